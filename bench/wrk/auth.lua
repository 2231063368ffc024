-- Shared by the authenticated scenarios: the producer's bearer token and JSON headers.
-- wrk.format uses only the headers it is given when given some, so writes pass json_headers.
local auth = "Bearer " .. os.getenv("TOKEN")
wrk.headers["Authorization"] = auth
wrk.headers["Accept"] = "application/json"
json_headers = { ["Authorization"] = auth, ["Accept"] = "application/json",
  ["Content-Type"] = "application/json" }
