-- POST /actors with a fresh name each time.
dofile(os.getenv("WRK_DIR") .. "/auth.lua")
local n = 0
request = function()
  n = n + 1
  return wrk.format("POST", "/actors", json_headers,
    string.format('{"name":"Load %d-%d","age":%d,"gender":"other"}', math.random(1e9), n, n % 100))
end
dofile(os.getenv("REPORT"))
