local ok = pcall(function()
  requirement "R1" { tagret = 1 }
end)
requirement "R2" {}
