-- POSTs prepared quiz submissions, each with its own one-time token; threads take separate slices.
local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  bodies = {}
  for line in io.lines(args[1]) do
    bodies[#bodies + 1] = line
  end
  local slice = math.floor(#bodies / tonumber(args[2]))
  first = id * slice
  last = first + slice
  index = first
  headers = {}
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  headers["Cookie"] = args[3]
end

function request()
  index = index + 1
  if index > last then
    index = first + 1
  end
  return wrk.format("POST", nil, headers, bodies[index])
end
