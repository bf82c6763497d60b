requirement "R1" { target = 4.5 }
local x = nil
local y = x.field
