# ruff: noqa: F401 (the package re-exports each topic's models)
from ..public import AppointmentPage  # the booking page type lives with its views, as portal's do
from .agreements import AgreementAcceptance, ConfidentialityAgreement
from .appointments import Appointment, AppointmentSettings, ReceptionDay, Slot
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
