# ruff: noqa: F401 (the package re-exports each topic's models)
from ..public import AppointmentPage  # the booking page type lives with its views, as portal's do
from .appointments import Appointment, AppointmentSettings, ReceptionDay, Slot
