from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("heading"))
    level = blocks.ChoiceBlock(
        choices=[("h2", _("section")), ("h3", _("subsection"))], default="h2", label=_("level")
    )

    class Meta:
        icon = "title"
        template = "portal/blocks/heading.html"
        label = _("Heading")


class BodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        features=["bold", "italic", "link", "ol", "ul", "document-link"], label=_("Paragraph")
    )


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("step"))
    time_limit = blocks.CharBlock(
        required=False, label=_("time limit"), help_text=_("For example: within 5 working days")
    )
    description = blocks.RichTextBlock(
        features=["bold", "italic", "link", "ul", "ol"], label=_("what happens")
    )

    class Meta:
        icon = "list-ol"
        template = "portal/blocks/step.html"
        label = _("Step")


class QuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("question"))
    reception_hours = blocks.BooleanBlock(
        required=False,
        default=False,
        label=_("begin the answer with the reception hours"),
        help_text=_("The weekly hours from the reception page, always as they are published there."),
    )
    answer = blocks.RichTextBlock(features=["bold", "italic", "link", "ul", "ol"], label=_("answer"))

    class Meta:
        icon = "help"
        label = _("Question and answer")


class FAQCategoryBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("category"))
    questions = blocks.ListBlock(QuestionBlock(), label=_("questions"))

    class Meta:
        icon = "folder-open-inverse"
        label = _("FAQ category")
