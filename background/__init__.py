"""Background jobs that always end: the abstract job row (claim, lease, retry) shared by the plan
import and the 台账/通报 export, the beat sweeper that re-queues or fails a job whose worker died,
and the one status/retry endpoint. A ground-level app: it imports no other app of the project;
concrete jobs subclass `BackgroundJob` and are found through the app registry."""
