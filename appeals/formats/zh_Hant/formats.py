# Date fields are rendered as <input type="date">, whose value must be ISO (YYYY-MM-DD): Django renders
# an initial date with the first input format, and Chinese locales put "%Y/%m/%d" first, which the
# browser discards, leaving the field empty. ISO first; the slash and 年月日 forms are still read.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%n月%j日"]
