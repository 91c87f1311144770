from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    label = "case_search"
    verbose_name = _("Search")

    def ready(self):
        from casework import effects

        from . import signals, tasks

        signals.connect()
        effects.subscribe("search", tasks.index_consumer)
