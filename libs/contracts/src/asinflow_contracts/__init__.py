"""Shared, versioned event contracts of asinflow: topics, envelope, ids, models and the state machine."""
