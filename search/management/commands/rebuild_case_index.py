from django.core.management.base import BaseCommand
from tqdm import tqdm

from casework.models import Case
from search import cases, elastic


class Command(BaseCommand):
    help = (
        "Rebuild the staff case search: the database entries and (when ELASTICSEARCH_URL is set) a "
        "fresh Elasticsearch index that replaces the live one behind its alias. With --pending, only "
        "send Elasticsearch the cases it missed while it was down."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--pending", action="store_true", help="only catch Elasticsearch up")

    def handle(self, *args, batch_size, pending, **options):
        to_elasticsearch = cases.elasticsearch_enabled()
        if pending:
            sent = cases.catch_up(batch_size=batch_size) if to_elasticsearch else 0
            self.stdout.write(self.style.SUCCESS(f"Sent {sent} waiting cases to Elasticsearch."))
            return
        total = Case.objects.count()
        with tqdm(total=total, unit="case", file=self.stderr, disable=options["verbosity"] == 0) as bar:
            batches = cases.rebuild_batches(batch_size)
            if to_elasticsearch:
                pairs = (pair for batch in batches for pair in batch)
                count = elastic.rebuild(pairs, progress=bar.update, batch_size=batch_size)
                cases.CaseSearchEntry.objects.update(elasticsearch_pending=False)
            else:
                count = 0
                for batch in batches:
                    count += len(batch)
                    bar.update(len(batch))
        where = (
            f"the database and Elasticsearch ({elastic.alias_name()})" if to_elasticsearch else "the database"
        )
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} cases in {where}."))
