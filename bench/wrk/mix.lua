-- 90% reads (a 100-row page of actors, one actor, the movies) and 10% writes (PATCH an actor, POST an actor).
dofile(os.getenv("WRK_DIR") .. "/auth.lua")
local n = 0
request = function()
  n = n + 1
  local slot = n % 20
  if slot == 0 then
    return wrk.format("PATCH", "/actors/" .. ((n % 100) + 1),
      json_headers, string.format('{"age":%d}', n % 150))
  elseif slot == 10 then
    return wrk.format("POST", "/actors", json_headers,
      string.format('{"name":"Mix %d-%d","age":40,"gender":"x"}', math.random(1e9), n))
  elseif slot % 3 == 0 then
    return wrk.format("GET", "/movies")
  elseif slot % 3 == 1 then
    return wrk.format("GET", "/actors/" .. ((n % 100) + 1))
  end
  return wrk.format("GET", "/actors?page=1&per_page=100")
end
dofile(os.getenv("REPORT"))
