-- PATCH /actors/{1..100}: a new age each time.
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
local n = 0
request = function()
  n = n + 1
  return wrk.format("PATCH", "/actors/" .. ((n % 100) + 1), nil, string.format('{"age":%d}', n % 150))
end
dofile(os.getenv("REPORT"))
