# ruff: noqa: F401 (the package re-exports each topic's models)
from .agreements import AgreementAcceptance, ConfidentialityAgreement
from .assessment import (
    FrozenScorecardError,
    Indicator,
    RewardOrPenalty,
    Scorecard,
    ScorecardLine,
    SubjectKind,
)
from .inspections import Inspection, InspectionFinding, Questionnaire, Suggestion, ThirdPartyEvaluation
from .training import DutyShift, TrainingAttendance, TrainingPlan, TrainingSession
