"""Run the reminder scan in this process (no broker needed), then queue or send the digests."""
from __future__ import annotations

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "生成到期提醒和发件箱汇总；--deliver 在本进程直接发送，否则交给 Celery。"

    def add_arguments(self, parser):
        parser.add_argument("--deliver", action="store_true", help="在本进程发送，不经过消息队列")
        parser.add_argument("--no-enqueue", action="store_true", help="只生成，不入队")

    def handle(self, *args, deliver: bool = False, no_enqueue: bool = False, **options):
        from supervision import outbox
        from supervision.jobs import enqueue_ready

        result = outbox.scan()
        self.stdout.write(f"reminders={result.reminders} escalations={result.escalations} "
                          f"digests={result.digests} seconds={result.seconds:.2f}")
        if deliver:
            self.stdout.write(f"delivered={outbox.deliver_ready(worker='run_scan')}")
        elif not no_enqueue:
            self.stdout.write(f"queued={enqueue_ready()}")
