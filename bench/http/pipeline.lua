-- Pipelined GET /: each write carries `depth` requests (16 unless given after `--`), as TechEmpower's plaintext
-- test does. wrk counts every response, so req/s is per request; latency is per batch of `depth`.
init = function(args)
  local depth = tonumber(args[1]) or 16
  local batch = {}
  for i = 1, depth do
    batch[i] = wrk.format(nil, "/")
  end
  req = table.concat(batch)
end

request = function()
  return req
end
