# ruff: noqa: F401 (the package re-exports each topic's models)
from .appointments import Appointment, AppointmentSettings, ReceptionDay, Slot
