# Plots of `make long` (scripts/long.sh sets OUT): cycles per decode step of every policy versus
# context (log-log), and each phase's share of the step per policy.
policies = "dense oracle tokenwise quest starc"
set key outside right
set grid
set style data linespoints
set datafile missing "NaN"
do for [ext in "svg png"] {
  if (ext eq "svg") { set terminal svg size 800,480 dynamic } else { set terminal png size 800,480 }
  set output OUT."/cycles_vs_context.".ext
  set title "Cycles per decode step of one head (one channel, B = 2048)"
  set xlabel "context (tokens)"; set ylabel "cycles per step"
  set logscale xy 2
  set format x "%.0s%c"; set format y "%.0s%c"
  plot for [i=1:5] OUT."/cycles.dat" using 1:(column(1+i)) title word(policies, i)
  unset logscale y
  set format y "%g"
  set yrange [0:1]
  set ylabel "share of the step's cycles"
  do for [i=1:5] {
    p = word(policies, i)
    set output OUT."/phase_share_".p.".".ext
    set title "Phase shares of ".p." per step (B = 2048)"
    plot OUT."/share-".p.".dat" using 1:2 title "selection", \
         OUT."/share-".p.".dat" using 1:3 title "keys", \
         OUT."/share-".p.".dat" using 1:4 title "values"
  }
  set autoscale y
  unset logscale x
  unset format x; unset format y
}
