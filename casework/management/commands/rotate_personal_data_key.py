from django.core.management.base import BaseCommand
from tqdm import tqdm

from casework.workflow import erasure


class Command(BaseCommand):
    help = (
        "Re-encrypt all personal data with the first key in PERSONAL_DATA_KEYS. Put the new key first, "
        "keep the old ones after it, run this, then remove the old keys."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, batch_size, **options):
        total = 0
        for model, names in erasure.encrypted_models():
            queryset = model._default_manager.order_by("pk")
            count = queryset.count()
            label = model._meta.label
            with tqdm(total=count, desc=label, disable=count == 0, file=self.stderr) as bar:
                last_pk = None
                while True:
                    batch = queryset if last_pk is None else queryset.filter(pk__gt=last_pk)
                    # Values are read in clear (any configured key decrypts) and written back through
                    # the field, which encrypts with the newest key.
                    rows = list(batch.values_list("pk", *names)[:batch_size])
                    if not rows:
                        break
                    erasure.reencrypt(model, names, rows)
                    last_pk = rows[-1][0]
                    bar.update(len(rows))
                    total += len(rows)
        self.stdout.write(f"Re-encrypted personal data in {total} row(s).")
