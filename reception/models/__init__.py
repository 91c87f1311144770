# ruff: noqa: F401 (the package re-exports each topic's models)
from .agreements import AgreementAcceptance, ConfidentialityAgreement
