"""The supervisors' side, on the top floor: the reminder outbox and its channels (in-app, email,
WeCom, DingTalk), urging and escalation, extension and close-out review, the dashboard
(`dashboard/`) and the 台账/通报 exports (`exports/`, an app of its own with its job table).
Reads every app below it; none of them imports it."""
