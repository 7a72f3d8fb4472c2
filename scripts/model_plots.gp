# Plots of a `starcsim model` CSV turned into OUT/model.dat by scripts/model_plots.sh (which sets OUT).
policies = "dense tokenwise quest starc"
b(i) = 2 + 6 * (i - 1)
set key outside right
set grid
do for [ext in "svg png"] {
  if (ext eq "svg") { set terminal svg size 860,500 dynamic } else { set terminal pngcairo size 860,500 }
  set yrange [0:*]
  set xlabel "context (tokens)"
  set output OUT."/model_latency_vs_context.".ext
  set title "Attention latency per decode step, whole model (bars: 5%..95%)"
  set ylabel "latency per decode step (us)"
  plot for [i=1:4] OUT."/model.dat" using 1:(column(b(i))):(column(b(i)+1)):(column(b(i)+2)) \
         with yerrorlines lc i title word(policies, i)
  set output OUT."/model_energy_vs_context.".ext
  set title "Attention energy per decode step, whole model (attacc; bars: 5%..95%)"
  set ylabel "energy per decode step (uJ)"
  plot for [i=1:4] OUT."/model.dat" using 1:(column(b(i)+3)):(column(b(i)+4)):(column(b(i)+5)) \
         with yerrorlines lc i title word(policies, i)
}
