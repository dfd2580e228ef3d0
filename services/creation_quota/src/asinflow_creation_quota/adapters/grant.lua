-- One creation-quota grant, atomic (DESIGN §3): check, increment and idempotency record in one step.
-- KEYS[1] used counter of (seller, week)          quota:{seller}:week:used
-- KEYS[2] grants of (seller, week): id -> unit      quota:{seller}:week:grants
-- KEYS[3] grants of (seller, previous week)         recognises an event redelivered across the boundary
-- ARGV[1] listing id, ARGV[2] limit, ARGV[3] expire-at (unix seconds: next week's start + grace)
-- Returns one integer, n * 4 + status (one integer reply is as cheap to read as INCR's):
-- status 1: granted now, n = the unit (the new used count); 2: already granted this week, n = its unit;
-- 3: already granted last week, n = its unit (no unit consumed); 0: over the limit, n = used (nothing
-- recorded: the listing waits, throttled).
local unit = redis.call('HGET', KEYS[2], ARGV[1])
if unit then
  return tonumber(unit) * 4 + 2
end
unit = redis.call('HGET', KEYS[3], ARGV[1])
if unit then
  return tonumber(unit) * 4 + 3
end
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used >= tonumber(ARGV[2]) then
  return used * 4
end
used = redis.call('INCR', KEYS[1])
redis.call('HSET', KEYS[2], ARGV[1], used)
redis.call('EXPIREAT', KEYS[1], ARGV[3])
redis.call('EXPIREAT', KEYS[2], ARGV[3])
return used * 4 + 1
