"""Workflow: users and orgs, sign-in and the principal, admin operations, the audit log, the
lead lifecycle (accept, push, feedback) and the notification outbox with its sender."""
