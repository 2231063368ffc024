-- POST /actors with a fresh name each time.
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, "/actors", nil,
    string.format('{"name":"Load %d-%d","age":%d,"gender":"other"}', math.random(1e9), n, n % 100))
end
dofile(os.getenv("REPORT"))
