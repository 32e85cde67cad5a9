"""Dispatch: the loops that run beside `serve`, one leader at a time: webhook delivery and the scan
that raises due alerts. They stand above the service, whose registry they run operations through;
the outbox and the feeds they read stay in `events/`, below it."""
