"""The audit trail stores the exact text it hashed, chains per organization and shard, and gains
signed checkpoints and the tally of refused accesses.

Existing events are re-chained: their old chains (one per top-level organization) are verified
with the old rules first, and the migration stops if they do not verify, unless
RASAD_AUDIT_REBUILD_UNVERIFIED=true says to go on (the operator then keeps the old verify report).
"""

import datetime
import hashlib
import json
import os

import django.db.models.deletion  # noqa: F401
from django.db import migrations, models

GENESIS = "0" * 64
SHARDS = 4


def _canonical(payload):
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _iso(moment):
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.UTC)
    return moment.isoformat(timespec="microseconds")


def _columns(event):
    return {
        "chain": event.chain,
        "sequence": event.sequence,
        "created": _iso(event.created),
        "event_type": event.event_type,
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "organization_id": event.organization_id,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "request_id": event.request_id,
    }


def _old_hash(event):
    payload = _columns(event)
    payload.update({"old": event.old, "new": event.new, "extra": event.extra, "ip": event.ip})
    return hashlib.sha256(b"\x00" + event.prev_hash.encode() + _canonical(payload).encode()).hexdigest()


def rechain(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditChainHead = apps.get_model("core", "AuditChainHead")
    Organization = apps.get_model("core", "Organization")
    alias = schema_editor.connection.alias
    events = AuditEvent.objects.using(alias)
    # Past the append-only triggers, should they exist already (rasad.core.audit_guard).
    setattr(schema_editor.connection, "rasad_audit_maintenance", True)
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT set_config('rasad.audit_maintenance', 'on', true)")

    failures = 0
    previous = {}
    for event in events.order_by("chain", "sequence", "id").iterator(chunk_size=2000):
        expected_prev = previous.get(event.chain, GENESIS)
        if event.prev_hash != expected_prev or _old_hash(event) != event.hash:
            failures += 1
        previous[event.chain] = event.hash
    heads = {h.chain: h for h in AuditChainHead.objects.using(alias).all()}
    for chain, last in previous.items():
        head = heads.get(chain)
        if head is None or head.hash != last:
            failures += 1
    if failures and os.environ.get("RASAD_AUDIT_REBUILD_UNVERIFIED", "").lower() not in ("1", "true", "yes"):
        raise RuntimeError(
            f"The audit trail does not verify ({failures} problem(s)) before it is re-chained. Run "
            "'rasad audit verify' with the previous release and keep its report, then migrate with "
            "RASAD_AUDIT_REBUILD_UNVERIFIED=true."
        )

    tails = {}
    batch = []
    for event in events.order_by("id").iterator(chunk_size=2000):
        base = "system" if event.organization_id is None else f"org:{event.organization_id}"
        chain = f"{base}/0"
        sequence, prev_hash = tails.get(chain, (0, GENESIS))
        event.chain, event.sequence, event.prev_hash = chain, sequence + 1, prev_hash
        ip = event.ip or None
        payload = _columns(event)
        payload.update({"old": event.old, "new": event.new, "extra": event.extra or {}, "ip": ip})
        event.body = _canonical(payload)
        event.hash = hashlib.sha256(b"\x00" + prev_hash.encode() + event.body.encode()).hexdigest()
        tails[chain] = (event.sequence, event.hash)
        batch.append(event)
        if len(batch) >= 1000:
            _save(events, batch)
            batch = []
    _save(events, batch)

    AuditChainHead.objects.using(alias).all().delete()
    bases = ["system"] + [f"org:{pk}" for pk in Organization.objects.using(alias).values_list("pk", flat=True)]
    new_heads = []
    for base in bases:
        for shard in range(SHARDS):
            chain = f"{base}/{shard}"
            sequence, digest = tails.get(chain, (0, GENESIS))
            new_heads.append(AuditChainHead(chain=chain, sequence=sequence, hash=digest))
    for chain, (sequence, digest) in tails.items():
        if chain.split("/")[0] not in bases:  # an organization that no longer exists
            new_heads.append(AuditChainHead(chain=chain, sequence=sequence, hash=digest))
    AuditChainHead.objects.using(alias).bulk_create(new_heads, batch_size=1000)
    setattr(schema_editor.connection, "rasad_audit_maintenance", False)


def _save(events, batch):
    if not batch:
        return
    # Two passes so that the (chain, sequence) constraint never sees two rows at one position.
    for event in batch:
        events.filter(pk=event.pk).update(chain=f"rechain:{event.pk}")
    for event in batch:
        events.filter(pk=event.pk).update(
            chain=event.chain, sequence=event.sequence, prev_hash=event.prev_hash, body=event.body, hash=event.hash
        )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_alter_user_managers"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="body",
            field=models.TextField(default=""),
            preserve_default=False,
        ),
        migrations.RunPython(rechain, migrations.RunPython.noop),
        migrations.RemoveField(model_name="auditevent", name="old"),
        migrations.RemoveField(model_name="auditevent", name="new"),
        migrations.RemoveField(model_name="auditevent", name="extra"),
        migrations.CreateModel(
            name="AuditCheckpoint",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveBigIntegerField(unique=True)),
                ("created", models.DateTimeField()),
                ("body", models.TextField()),
                ("signature", models.CharField(max_length=128)),
                ("key", models.CharField(max_length=64)),
            ],
            options={
                "verbose_name": "audit checkpoint",
                "verbose_name_plural": "audit checkpoints",
                "ordering": ["number"],
            },
        ),
        migrations.CreateModel(
            name="AccessDenialTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("bucket", models.CharField(max_length=200, unique=True)),
                ("actor_name", models.CharField(blank=True, max_length=150)),
                ("object_type", models.CharField(max_length=100)),
                ("minute", models.DateTimeField(db_index=True)),
                ("count", models.PositiveIntegerField(default=1)),
                ("object_ids", models.TextField(blank=True)),
                ("actions", models.CharField(blank=True, max_length=200)),
                ("ip", models.GenericIPAddressField(blank=True, null=True)),
                ("request_id", models.CharField(blank=True, max_length=64)),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="core.user",
                    ),
                ),
            ],
            options={
                "verbose_name": "access denial tally",
                "verbose_name_plural": "access denial tallies",
            },
        ),
    ]
