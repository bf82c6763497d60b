-- Plan triggers (test_trigger.c): line numbers matter to the test.
requirement "R1" { target = 4.0 }
requirement "R2" {}
plan "below" { when = function(r) return r.below("R1") end }
plan "mean" { when = function(r) return r.mean("R1") < r.target("R1") end }
plan "nps" { when = function(r) return r.nps() < 0 and r.nps("vip") == nil end }
plan "figure" { when = function(r)
  return r.figure{ scorer = "nps", metric = "promoters" } == 0.5 and r.t2b("R1") > 0.3 end }
plan "none" { when = function(r) return r.mean("R2") end }
plan "error" { when = function(r)
  return r.mean("R1") < r.target("R2") end }
plan "unknown" { when = function(r) return r.mean("R3") end }
plan "loop" { when = function(r) while true do end end }
plan "badkey" { when = function(r) return r.figure{ metirc = "nps" } end }
plan "nan" { when = function(r) return r.figure{ metric = "sd", requirement = "R1" } == nil end }
plan "manual" { owner = "ops" }
plan "segment" { when = function(r) return r.mean("R1", "vip") > r.target("R1") end }
