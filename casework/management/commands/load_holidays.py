from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from casework.deadlines import load_public_holidays


class Command(BaseCommand):
    help = (
        "Preload the working-day calendar with public holidays and make-up workdays from the `holidays` "
        "package (region HOLIDAY_REGION). Days already in the calendar keep their staff-edited values."
    )

    def add_arguments(self, parser):
        parser.add_argument("years", nargs="*", type=int, help="default: this year and next")
        parser.add_argument("--region", default=None, help="ISO country code; default HOLIDAY_REGION")

    def handle(self, *args, years, region, **options):
        this_year = timezone.localdate().year
        years = years or [this_year, this_year + 1]
        if any(year < 1990 or year > 2100 for year in years):
            raise CommandError("Years must be between 1990 and 2100.")
        try:
            created = load_public_holidays(years, region=region)
        except NotImplementedError as exc:
            raise CommandError(f"Unknown holiday region: {region}") from exc
        self.stdout.write(
            self.style.SUCCESS(f"Added {created} calendar day(s) for {', '.join(map(str, years))}.")
        )
