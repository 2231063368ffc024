-- GET with the bearer token (TOKEN) and Accept: application/json; SPREAD_IDS spreads ids 1..100.
local token = os.getenv("TOKEN")
local spread = os.getenv("SPREAD_IDS")
wrk.headers["Authorization"] = token and ("Bearer " .. token) or nil
wrk.headers["Accept"] = os.getenv("ACCEPT") or "application/json"
-- A browser sends its session as a cookie rather than a bearer header.
if os.getenv("AS_BROWSER") then
  wrk.headers["Authorization"] = nil
  wrk.headers["Cookie"] = "casting_session=" .. token
end
local n = 0
request = function()
  if spread then
    n = n + 1
    return wrk.format("GET", wrk.path .. "/" .. ((n % 100) + 1))
  end
  return wrk.format("GET", wrk.path)
end
dofile(os.getenv("REPORT"))
