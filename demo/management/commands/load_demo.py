from django.core.management.base import BaseCommand
from django.db import transaction

from demo import agreements as agreements_demo
from demo import appointments as appointments_demo
from demo import assessment as assessment_demo
from demo import cases as casework_demo
from demo import citizen_accounts as citizen_demo
from demo import disclosure as disclosure_demo
from demo import mailbox as mailbox_demo
from demo import partners as partners_demo
from demo import reception as reception_demo
from demo import reception_inspections as inspections_demo
from demo import replies as replies_demo
from demo import site as portal_demo
from demo import social as social_demo
from reporting import statistics
from search import cases as case_search
from search import pages as page_search


class Command(BaseCommand):
    help = "Load the demo site: pages in three languages and one staff account per role. Safe to re-run."

    def handle(self, *args, **options):
        with transaction.atomic():
            home = portal_demo.load_home(stdout=self.stdout)
            accounts = casework_demo.load_staff(root_page=home, stdout=self.stdout)
            agreements_demo.load_agreements([username for username, _role in accounts])
            casework_demo.load_casework(stdout=self.stdout)
            # Two e-mails filed as cases in the inboxes, one waiting in the mailbox's review queue.
            mailbox_demo.load_mailbox()
            reception_demo.load()
            partners_demo.load_partners()
            # A reply by letter waiting in the post room.
            replies_demo.load_letters()
            # After the calendar and the staff: bookings skip holidays and name the officer.
            appointments_demo.load_appointments(home)
            social_demo.load_social()
            # Published reports freeze their figures, so they come after the cases they count.
            disclosure_demo.load_disclosure(home)
            # Scorecards compute their scores from the cases, so they come after them too.
            assessment_demo.load_assessment()
            inspections_demo.load_external_supervision(home)
            citizen_email = citizen_demo.load_citizen()
            statistics.rebuild_all()
            # The synthetic cases were saved in bulk: their search entries are written here.
            case_search.index_missing()
        # Publishing indexes each page; the rebuild also covers pages that existed before the search did.
        page_search.rebuild()
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))
        self.stdout.write(f"Staff logins (password for all: {casework_demo.DEMO_PASSWORD}):")
        for username, role in accounts:
            self.stdout.write(f"  {username:<12} {role}")
        self.stdout.write(
            f"Partner API (demo only): {partners_demo.PARTNER_NAME}, "
            f"Authorization: Api-Key {partners_demo.DEMO_API_KEY}"
        )
        self.stdout.write(
            f"Citizen account (sign in at /accounts/login/, two cases in My appeals): "
            f"{citizen_email} / {casework_demo.DEMO_PASSWORD}"
        )
