# ruff: noqa: F401 (the package re-exports each topic's models)
from .training import DutyShift, TrainingAttendance, TrainingPlan, TrainingSession
