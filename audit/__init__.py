"""The audit log, at the bottom of the floor plan: who changed what, when, before and after.

Every app's services write one row per change in the transaction of the change (`services.audit`);
sign-in events are rows too, pruned after AUDIT_RETENTION_DAYS. A row names its object by type and
id and, for task changes, the task by a plain id, so this app depends on no other app.
"""
