-- POSTs prepared quiz submissions, each with its own one-time token. Arguments: the file of bodies,
-- the number of threads, the cookie, and the window of bodies this run may use (first line, count),
-- so that no run repeats another's forms; the threads take separate slices of the window.
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  local window_first, window_size = tonumber(args[4]), tonumber(args[5])
  bodies = {}
  local number = 0
  for line in io.lines(args[1]) do
    number = number + 1
    if number > window_first and number <= window_first + window_size then
      bodies[#bodies + 1] = line
    end
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
