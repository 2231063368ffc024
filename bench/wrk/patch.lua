-- PATCH /actors/{1..100}: a new age each time.
dofile(os.getenv("WRK_DIR") .. "/auth.lua")
local n = 0
request = function()
  n = n + 1
  return wrk.format("PATCH", "/actors/" .. ((n % 100) + 1), json_headers,
    string.format('{"age":%d}', n % 150))
end
dofile(os.getenv("REPORT"))
