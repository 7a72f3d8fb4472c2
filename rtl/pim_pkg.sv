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

  // ---- Channel commands, timing presets, timing rules (pim_channel, DESIGN.md section 2) ---
  // Command encodings (identical to pim::Op in host/pim_command.hpp).
  localparam logic [3:0] OP_NOP   = 4'd0;
  localparam logic [3:0] OP_ACTAB = 4'd1;
  localparam logic [3:0] OP_ACT   = 4'd2;
  localparam logic [3:0] OP_MACAB = 4'd3;
  localparam logic [3:0] OP_PREA  = 4'd4;
  localparam logic [3:0] OP_PRE   = 4'd5;
  localparam logic [3:0] OP_WRGB  = 4'd6;
  localparam logic [3:0] OP_MVGB  = 4'd7;
  localparam logic [3:0] OP_MVSB  = 4'd8;
  // Command field widths on the decoder port.
  localparam int CMD_ADDR_W = 4;   // pch, rank, bg, bank
  localparam int CMD_ROW_W  = 16;
  localparam int CMD_COL_W  = 8;
  // Timing preset hbm3-pim (AttAcc HBM3_5.2Gbps), cycles of tCK = 0.769 ns.
  localparam int HBM3_NRCD   = 19;
  localparam int HBM3_NRP    = 19;
  localparam int HBM3_NRAS   = 45;
  localparam int HBM3_NRC    = 63;
  localparam int HBM3_NRTPL  = 8;
  localparam int HBM3_NCCDAB = 6;
  localparam int HBM3_NCCDS  = 2;
  localparam int HBM3_NCCDL  = 4;
  localparam int HBM3_NRRDS  = 2;
  localparam int HBM3_NRRDL  = 4;
  localparam int HBM3_NFAW   = 39;
  localparam int HBM3_NBL    = 2;
  localparam int HBM3_NROW   = 2;   // command-bus cycles of a row command
  // Preset hbm3-pim-npc (no power cap): hbm3-pim with this nCCDAB.
  localparam int HBM3_NPC_NCCDAB = 4;
  // Timing-rule ids: bit positions of pim_timing_checker's error mask (= pim::Rule).
  localparam int RULE_RCD        = 0;
  localparam int RULE_RP         = 1;
  localparam int RULE_RAS        = 2;
  localparam int RULE_RC         = 3;
  localparam int RULE_RTPL       = 4;
  localparam int RULE_CCDAB      = 5;
  localparam int RULE_CCDS       = 6;
  localparam int RULE_CCDL       = 7;
  localparam int RULE_RRDS       = 8;
  localparam int RULE_RRDL       = 9;
  localparam int RULE_FAW        = 10;
  localparam int RULE_DATA_BUS   = 11;
  localparam int RULE_CMD_BUS    = 12;
  localparam int RULE_MAC_CLOSED = 13;
  localparam int RULE_ACT_OPEN   = 14;
  localparam int RULE_ADDRESS    = 15;
  localparam int NUM_RULES       = 16;

  // ---- Centroid-match unit (centroid_match, DESIGN.md section 5 step 2) ----------------------
  localparam int CM_ID_W         = 16;    // cluster id
  localparam int CM_SCORE_W      = 32;    // centroid score, binary32 bits
  localparam int CM_SIZE_W       = 7;     // cluster size in tokens (0..64; up to 127 handled)
  localparam int CM_BUDGET_W     = 20;    // budget B in tokens (1..2^20-1; 0 selects nothing)
  localparam int CM_KEY_W        = CM_SCORE_W + CM_ID_W;  // sort key {score key, ~id}
  localparam int CM_MAX_CLUSTERS = 4096;  // default stream length C (entries per selection)
  localparam int CM_MAX_SEL      = 256;   // default S: at most this many clusters selected

endpackage
