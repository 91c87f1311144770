from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from reporting.statistics import case_date_range, recompute_days


class Command(BaseCommand):
    help = "Recompute the daily statistics roll-ups the dashboard reads, for every day with cases or a range."

    def add_arguments(self, parser):
        parser.add_argument("--start", type=date.fromisoformat, default=None, help="YYYY-MM-DD")
        parser.add_argument("--end", type=date.fromisoformat, default=None, help="YYYY-MM-DD")
        parser.add_argument("--days-per-step", type=int, default=7)

    def handle(self, *args, start, end, days_per_step, **options):
        first, last = case_date_range()
        start = start or first
        end = end or last
        if start is None or end is None:
            self.stdout.write("No cases.")
            return
        if end < start:
            raise CommandError("--end is before --start.")
        days = (end - start).days + 1
        cases = 0
        with tqdm(total=days, unit="day", file=self.stderr, disable=options["verbosity"] == 0) as bar:
            step = max(1, days_per_step)
            for offset in range(0, days, step):
                first = start + timedelta(days=offset)
                last = min(end, first + timedelta(days=step - 1))
                cases += recompute_days(first, last)
                bar.update((last - first).days + 1)
        self.stdout.write(self.style.SUCCESS(f"Recomputed {days} days ({cases} cases)."))
