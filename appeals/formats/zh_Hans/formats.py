from ..zh_Hant.formats import DATE_INPUT_FORMATS  # noqa: F401 (the same reason as zh_Hant)
