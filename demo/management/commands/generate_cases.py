from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from casework.workflow.batch import save_batch
from demo.cases import load_departments
from demo.synthetic import STATUS_WEIGHTS, Synthesiser
from search import cases as case_search


class Command(BaseCommand):
    help = "Bulk-create N realistic synthetic cases with their timelines (for benchmarks and load tests)."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int)
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=None, help="the same seed gives the same cases")
        parser.add_argument(
            "--index",
            action="store_true",
            help="write the new cases' search entries too (else run `manage.py rebuild_case_index` later)",
        )

    def handle(self, *args, count, batch_size, seed, index, **options):
        if count < 1 or batch_size < 1:
            raise CommandError("count and --batch-size must be positive.")
        departments = {d.code: d for d in load_departments().values() if d.parent_id is not None}
        User = get_user_model()
        staff = {
            role: User.objects.filter(username=role).first() for role in ("intake", "manager", "supervisor")
        }
        synth = Synthesiser(departments, staff, seed=seed if seed is not None else count)
        statuses = list(STATUS_WEIGHTS)
        weights = list(STATUS_WEIGHTS.values())
        created = 0
        with tqdm(total=count, unit="case", file=self.stderr, disable=options["verbosity"] == 0) as bar:
            while created < count:
                size = min(batch_size, count - created)
                built = [
                    synth.build(status) for status in synth.rng.choices(statuses, weights=weights, k=size)
                ]
                created += save_batch(built)
                bar.update(size)
        self.stdout.write(self.style.SUCCESS(f"Created {created} cases."))
        if index:
            with tqdm(total=created, unit="case", file=self.stderr, disable=options["verbosity"] == 0) as bar:
                indexed = case_search.index_missing(progress=bar.update)
            self.stdout.write(self.style.SUCCESS(f"Indexed {indexed} cases for staff search."))
        else:
            # Saved in bulk, the cases have no search entries yet: staff search would not find them.
            self.stdout.write(
                "Staff search does not find them yet: run `python manage.py rebuild_case_index` "
                "(or generate with --index)."
            )
