# ruff: noqa: F401 (the package re-exports each topic's models)
from .inspections import Inspection, InspectionFinding, Questionnaire, Suggestion, ThirdPartyEvaluation
