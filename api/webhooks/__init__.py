"""Signed webhooks (docs/webhooks.md): subscriptions, the events they receive, signing, delivery."""
