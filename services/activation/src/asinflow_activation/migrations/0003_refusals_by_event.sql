-- asinflow listing delete asks activation's GET /refusals/{event_id} whether its request was refused.
CREATE INDEX refusals_event ON refusals (event_id);
