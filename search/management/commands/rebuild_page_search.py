from django.core.management.base import BaseCommand

from search import pages


class Command(BaseCommand):
    help = "Rebuild the public page search from every live page."

    def handle(self, *args, **options):
        count = pages.rebuild()
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} pages."))
