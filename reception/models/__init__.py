# ruff: noqa: F401 (the package re-exports each topic's models)
from .assessment import (
    FrozenScorecardError,
    Indicator,
    RewardOrPenalty,
    Scorecard,
    ScorecardLine,
    SubjectKind,
)
