// pim_pkg: parameters, formats and command encodings shared by all starc-pim RTL.
//
// Referenced as pim_pkg::NAME everywhere (no import statements: the portable subset of
// STYLE.md). Each section belongs to one part of the design; add to your own section.
package pim_pkg;

  // ---- Number formats (DESIGN.md section 3) ----------------------------------------------
  // Input format selector: fp16 = IEEE binary16, bf16 = bfloat16. Accumulation is binary32.
  localparam logic FMT_FP16 = 1'b0;
  localparam logic FMT_BF16 = 1'b1;
  localparam int IN_W  = 16;  // input element width
  localparam int ACC_W = 32;  // accumulator width (binary32)
  // Every NaN result is this canonical quiet NaN.
  localparam logic [31:0] CANON_NAN = 32'h7FC0_0000;

  // ---- MAC unit modes ------------------------------------------------------------------------
  localparam logic MODE_DOT  = 1'b0;  // acc + tree(mul(a_i, b_i))
  localparam logic MODE_AXPY = 1'b1;  // acc_i + mul(p, a_i)

  // ---- MAC datapath (pim_fp_mul, pim_fp32_add, pim_mac_front, pim_mac) ---------------------
  localparam int MAC_LANES = 16;  // lanes per bank PIM unit (DESIGN.md section 2)
  // pim_mac_front latency for `lanes` lanes (a power of two): one register after the
  // multipliers plus one register per adder-tree level.
  function automatic int mac_front_lat(input int lanes);
    mac_front_lat = 1 + $clog2(lanes);
  endfunction
  // pim_mac latency: the front plus the accumulate stage (one fp32 add and a register).
  function automatic int mac_lat(input int lanes);
    mac_lat = mac_front_lat(lanes) + 1;
  endfunction
  localparam int MAC_FRONT_LAT = 1 + $clog2(MAC_LANES);  // = mac_front_lat(MAC_LANES) = 5
  localparam int MAC_LAT = MAC_FRONT_LAT + 1;             // = mac_lat(MAC_LANES) = 6

endpackage
