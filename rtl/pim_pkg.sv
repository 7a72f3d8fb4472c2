// pim_pkg: parameters, formats and command encodings shared by all starc-pim RTL.
//
// Referenced as pim_pkg::NAME everywhere (no import statements: the portable subset of
// docs/design.md section 11). Each section belongs to one part of the design; add to your own section.
package pim_pkg;

  // ---- Number formats (docs/design.md section 3) ----------------------------------------------
  // Input format selector: fp16 = IEEE binary16, bf16 = bfloat16. Accumulation is binary32.
  localparam logic FMT_FP16 = 1'b0;
  localparam logic FMT_BF16 = 1'b1;
  localparam int IN_W  = 16;  // input element width
  localparam int ACC_W = 32;  // accumulator width (binary32)
  // Every NaN result is this canonical quiet NaN.
  localparam logic [31:0] CANON_NAN = 32'h7FC0_0000;

  // ---- Floating-point arithmetic of the MAC (docs/design.md section 3) ---------------------------
  // Written as functions so that a unit's logic can sit under an enable in an always_comb
  // (`if (valid) y = fp_mul(..)`): the hardware is the same combinational datapath, and a
  // simulator skips it in the cycles the enable is low. pim_fp_mul and pim_fp32_add wrap them
  // as modules for the unit tests. Callers use `always @*`, not always_comb, for such blocks:
  // Icarus 11 reports every constant part select inside a function called from always_comb as
  // unsupported ("sorry: constant selects in always_* processes"); `always @*` has the same
  // combinational meaning in Verilator, Icarus and Yosys. `verilator no_inline_task` keeps one
  // C++ copy of each function for all 1024 lanes of a channel (inlined, the 64-bank channel
  // was 200 MB of generated C++); the other tools ignore the comment.

  // fp_unpack: one 16-bit input element (fp16 or bf16, chosen by fmt) in a form common to both
  // formats, packed as {sign, exp[9:0], sig[10:0], zero, inf, nan} (25 bits). sig has
  // the hidden bit at [10] (0 for zeros and subnormals) and exp is a two's-complement unbiased
  // exponent (-126 .. 127) such that a finite value is (-1)^sign x sig x 2^(exp - 10). bf16
  // significands (8 bits) are left-aligned (3 zero bits appended). Subnormals take the minimum
  // exponent (fp16 -14, bf16 -126) and are not normalised here: fp_mul normalises the product.
  function automatic logic [24:0] fp_unpack(input logic fmt, input logic [15:0] x);
    /*verilator no_inline_task*/
    logic [4:0] h_exp;      // binary16: 1 sign, 5 exponent (bias 15), 10 fraction bits
    logic [9:0] h_man, h_exp_unb;
    logic [7:0] f_exp;      // bfloat16: 1 sign, 8 exponent (bias 127), 7 fraction bits
    logic [6:0] f_man;
    logic [9:0] f_exp_unb;
    logic       is_bf16, exp_zero, exp_ones, man_zero;
    logic [9:0]  exp;
    logic [10:0] sig;
    h_exp     = x[14:10];
    h_man     = x[9:0];
    h_exp_unb = (h_exp == 5'd0) ? 10'(-14) : ({5'd0, h_exp} - 10'd15);
    f_exp     = x[14:7];
    f_man     = x[6:0];
    f_exp_unb = (f_exp == 8'd0) ? 10'(-126) : ({2'd0, f_exp} - 10'd127);
    is_bf16   = (fmt == FMT_BF16);
    exp_zero  = is_bf16 ? (f_exp == 8'd0)  : (h_exp == 5'd0);
    exp_ones  = is_bf16 ? (f_exp == 8'hFF) : (h_exp == 5'h1F);
    man_zero  = is_bf16 ? (f_man == 7'd0)  : (h_man == 10'd0);
    exp       = is_bf16 ? f_exp_unb : h_exp_unb;
    sig       = is_bf16 ? {!exp_zero, f_man, 3'b000} : {!exp_zero, h_man};
    fp_unpack = {x[15], exp, sig, exp_zero && man_zero, exp_ones && man_zero,
                 exp_ones && !man_zero};
  endfunction

  // fp_mul (`mul`): product of two 16-bit inputs (fp16 or bf16 by fmt) rounded once to IEEE
  // binary32, round-to-nearest-even. fp16 products are always exact in binary32. bf16 products
  // can leave the binary32 range: above it they become infinity, below 2^-126 they round (RNE)
  // to a binary32 subnormal or to a signed zero. 0 x inf and any NaN operand give CANON_NAN;
  // inf x finite-nonzero gives a signed infinity; signs of zeros follow IEEE.
  // Datapath: unpack, 11x11 significand multiply, leading-zero count and normalise, then pack
  // (normal range, exact) or denormalise and round.
  function automatic logic [31:0] fp_mul(input logic fmt, input logic [15:0] a, input logic [15:0] b);
    /*verilator no_inline_task*/
    logic [24:0] ua, ub;
    logic        a_sign, a_zero, a_inf, a_nan, b_sign, b_zero, b_inf, b_nan;
    logic [9:0]  a_exp, b_exp;
    logic [10:0] a_sig, b_sig;
    logic [21:0] prod_sig;  // exact product: value = prod_sig x 2^(a_exp + b_exp - 20) < 2^22
    logic [4:0]  lz;        // leading zeros of prod_sig (22 when it is zero)
    logic [21:0] norm_sig;  // prod_sig << lz: leading one at [21]
    logic signed [10:0] msb_exp;  // exponent of the leading one: norm_sig x 2^(msb_exp - 21)
    logic [9:0]  sub_shift; // right shift of {norm_sig, 1'b0} onto the 2^-149 grid, clamped
    logic [46:0] sub_ext;   // {norm_sig, 1'b0, 24 guard bits} >> sub_shift
    logic        sub_guard, sub_sticky, sub_round_up;
    logic [23:0] sub_q;     // rounded magnitude in units of 2^-149 (2^23 = smallest normal)
    logic [30:0] mag;       // result magnitude bits (exponent and fraction fields)
    logic        prod_sign;
    ua = fp_unpack(fmt, a);
    ub = fp_unpack(fmt, b);
    {a_sign, a_exp, a_sig, a_zero, a_inf, a_nan} = ua;
    {b_sign, b_exp, b_sig, b_zero, b_inf, b_nan} = ub;

    prod_sig = 22'(a_sig) * 22'(b_sig);
    lz = 5'd22;
    for (int i = 0; i < 22; i++) begin
      if (prod_sig[i]) lz = 5'(21 - i);
    end
    norm_sig = prod_sig << lz;
    msb_exp  = 11'($signed(a_exp)) + 11'($signed(b_exp)) + 11'sd1 - $signed({6'd0, lz});

    // Below 2^-126: q = round({norm_sig, 1'b0} >> (-127 - msb_exp)). A shift of 24 or more
    // leaves less than half an ulp of the smallest subnormal: the result rounds to zero.
    sub_shift    = (msb_exp <= -11'sd151) ? 10'd24
                 : (msb_exp <= -11'sd127) ? 10'(-11'sd127 - msb_exp) : 10'd0;
    sub_ext      = {norm_sig, 1'b0, 24'd0} >> sub_shift;
    sub_guard    = sub_ext[23];
    sub_sticky   = |sub_ext[22:0];
    sub_round_up = sub_guard && (sub_sticky || sub_ext[24]);
    sub_q        = {1'b0, sub_ext[46:24]} + {23'd0, sub_round_up};
    mag = (msb_exp > 11'sd127)   ? {8'hFF, 23'd0}                                   // inf
        : (msb_exp >= -11'sd126) ? {8'(msb_exp + 11'sd127), norm_sig[20:0], 2'b00}  // exact
        : {7'd0, sub_q};                      // subnormal; a rounding carry gives 2^-126

    prod_sign = a_sign ^ b_sign;
    fp_mul = (a_nan || b_nan || (a_inf && b_zero) || (a_zero && b_inf)) ? CANON_NAN
           : (a_inf || b_inf)   ? {prod_sign, 8'hFF, 23'd0}
           : (a_zero || b_zero) ? {prod_sign, 31'd0}
           : {prod_sign, mag};
  endfunction

  // fp32_add (`add`): IEEE binary32 addition, round-to-nearest-even. Subnormal operands and
  // results are honoured (no flush to zero); overflow gives a signed infinity; inf + finite =
  // inf; any NaN operand and inf + (-inf) give CANON_NAN; an exact zero sum of opposite-signed
  // operands is +0, (-0) + (-0) = -0.
  // Datapath: order the operands by magnitude, align the smaller one with guard/round/sticky
  // bits, add or subtract the 27-bit significands, normalise (leading-zero count, limited so
  // that the exponent never drops below the subnormal exponent), round to nearest even, pack.
  function automatic logic [31:0] fp32_add(input logic [31:0] a, input logic [31:0] b);
    /*verilator no_inline_task*/
    logic        a_inf, a_nan, b_inf, b_nan;
    logic        swap;                     // |b| > |a|: b is the larger operand
    logic [31:0] larger, smaller;
    logic        res_sign, eff_sub;
    logic [7:0]  larger_exp, smaller_exp;  // effective exponents (1 for subnormals and zeros)
    logic [23:0] larger_sig, smaller_sig;  // significands with the hidden bit at [23]
    logic [7:0]  exp_diff;
    logic [4:0]  align_shift;
    logic [53:0] smaller_wide;  // {smaller_sig, 3'b0, 27 catch bits} >> align_shift
    logic [26:0] larger_ext, smaller_ext;
    logic [27:0] raw_sum;
    logic [4:0]  lz;            // leading zeros of raw_sum[26:0] (27 when it is zero)
    logic [8:0]  max_shift;     // larger_exp - 1: the largest shift that keeps the exponent >= 1
    logic [8:0]  left_shift;
    logic [26:0] norm;
    logic [9:0]  norm_exp;
    logic        round_up;
    logic [24:0] rounded;       // norm[26:3] + round_up, carry at [24]
    logic [23:0] final_sig;     // hidden bit at [23]
    logic [9:0]  final_exp;
    logic [30:0] mag;

    // Classify and order by magnitude.
    a_inf       = (a[30:23] == 8'hFF) && (a[22:0] == 23'd0);
    a_nan       = (a[30:23] == 8'hFF) && (a[22:0] != 23'd0);
    b_inf       = (b[30:23] == 8'hFF) && (b[22:0] == 23'd0);
    b_nan       = (b[30:23] == 8'hFF) && (b[22:0] != 23'd0);
    swap        = (b[30:0] > a[30:0]);
    larger      = swap ? b : a;
    smaller     = swap ? a : b;
    res_sign    = larger[31];
    eff_sub     = larger[31] ^ smaller[31];
    larger_exp  = (larger[30:23] == 8'd0) ? 8'd1 : larger[30:23];
    smaller_exp = (smaller[30:23] == 8'd0) ? 8'd1 : smaller[30:23];
    larger_sig  = {larger[30:23] != 8'd0, larger[22:0]};
    smaller_sig = {smaller[30:23] != 8'd0, smaller[22:0]};

    // Align: both significands get 3 extra low bits (guard, round, sticky); the smaller one is
    // shifted right by the exponent difference, everything shifted past the round bit ORed into
    // the sticky bit. A difference of 27 or more leaves only the sticky bit.
    exp_diff     = larger_exp - smaller_exp;
    align_shift  = (exp_diff > 8'd27) ? 5'd27 : exp_diff[4:0];
    smaller_wide = {smaller_sig, 3'b000, 27'd0} >> align_shift;
    larger_ext   = {larger_sig, 3'b000};
    smaller_ext  = {smaller_wide[53:28], smaller_wide[27] | (|smaller_wide[26:0])};

    // Add / subtract: |larger| >= |smaller|, so the difference is never negative.
    raw_sum = eff_sub ? ({1'b0, larger_ext} - {1'b0, smaller_ext})
                      : ({1'b0, larger_ext} + {1'b0, smaller_ext});

    // Normalise to a leading one at [26] with exponent norm_exp. A carry shifts right by one
    // (the dropped bit joins the sticky bit); a cancellation shifts left by the leading-zero
    // count, but never below exponent 1 (the result is then subnormal, without hidden bit).
    lz = 5'd27;
    for (int i = 0; i < 27; i++) begin
      if (raw_sum[i]) lz = 5'(26 - i);
    end
    max_shift  = {1'b0, larger_exp} - 9'd1;
    left_shift = ({4'd0, lz} < max_shift) ? {4'd0, lz} : max_shift;
    norm       = raw_sum[27] ? {raw_sum[27:2], raw_sum[1] | raw_sum[0]}
                             : (raw_sum[26:0] << left_shift);
    norm_exp   = raw_sum[27] ? ({2'b00, larger_exp} + 10'd1)
                             : ({2'b00, larger_exp} - {1'b0, left_shift});

    // Round to nearest even and pack.
    round_up  = norm[2] && (norm[1] || norm[0] || norm[3]);
    rounded   = {1'b0, norm[26:3]} + {24'd0, round_up};
    final_sig = rounded[24] ? rounded[24:1] : rounded[23:0];
    final_exp = rounded[24] ? (norm_exp + 10'd1) : norm_exp;
    mag = (final_exp >= 10'd255) ? {8'hFF, 23'd0}             // overflow: infinity
        : !final_sig[23]         ? {8'd0, final_sig[22:0]}    // subnormal
        : {final_exp[7:0], final_sig[22:0]};

    // Special cases and the sign of zero: the infinity of an inf + finite sum is the larger
    // operand; an exact zero is +0 under round-to-nearest unless both operands are -0.
    fp32_add = (a_nan || b_nan || (a_inf && b_inf && (a[31] != b[31]))) ? CANON_NAN
             : (a_inf || b_inf)   ? {res_sign, 8'hFF, 23'd0}
             : (raw_sum == 28'd0) ? {res_sign && !eff_sub, 31'd0}
             : {res_sign, mag};
  endfunction

  // ---- MAC unit modes ------------------------------------------------------------------------
  localparam logic MODE_DOT  = 1'b0;  // acc + tree(mul(a_i, b_i))
  localparam logic MODE_AXPY = 1'b1;  // acc_i + mul(p, a_i)

  // ---- MAC datapath (pim_mac_front, pim_mac) ---------------------
  localparam int MAC_LANES = 16;  // lanes per bank PIM unit (docs/design.md section 2)
  // pim_mac_front latency for `lanes` lanes (a power of two): one register after the
  // multipliers plus one register per adder-tree level.
  function automatic int mac_front_lat(input int lanes);
    mac_front_lat = 1 + $clog2(lanes);
  endfunction
  // pim_mac latency: the front plus the accumulate stage (one fp32 add and a register).
  function automatic int mac_lat(input int lanes);
    mac_lat = mac_front_lat(lanes) + 1;
  endfunction
  // Width of pim_mac's accumulator index (sel_i): enough for Slots dot accumulators and
  // Chunks axpy sets, at least 1.
  function automatic int mac_sel_w(input int slots, input int chunks);
    mac_sel_w = (slots > chunks) ? $clog2(slots) : $clog2(chunks);
    if (mac_sel_w < 1) mac_sel_w = 1;
  endfunction
  localparam int MAC_FRONT_LAT = 1 + $clog2(MAC_LANES);  // = mac_front_lat(MAC_LANES) = 5
  localparam int MAC_LAT = MAC_FRONT_LAT + 1;             // = mac_lat(MAC_LANES) = 6

  // ---- Channel commands, timing presets, timing rules (pim_channel, docs/design.md section 2) ---
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
  localparam logic [3:0] OP_REFAB = 4'd9;   // all-bank refresh of one rank (pch, rank)
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
  localparam int HBM3_NROW   = 2;   // command-bus cycles of a row command (and REFAB)
  // Refresh (docs/design.md section 2): JEDEC HBM3 tRFC 350 ns (8 Gb) and tREFI 3.9 us at
  // tCK 0.769 ns, as the STARC artifact's Ramulator 2 HBM3-PIM model rounds them.
  localparam int HBM3_NRFC   = 456;
  localparam int HBM3_NREFI  = 5070;
  // REFABs a rank may owe (postponed) or be ahead (pulled in) against the nREFI schedule.
  localparam int REFRESH_POSTPONE = 8;
  // Preset hbm3-pim-npc (no power cap): hbm3-pim with this nCCDAB.
  localparam int HBM3_NPC_NCCDAB = 4;
  // The 15 timing values as one packed parameter (pim_channel and pim_timing_checker take
  // `Timing`, built by timing_pack; docs/design.md section 2): value k at bits [32*k +: 32],
  // k = T_* below (the order of pim::Timing in host/dram_timing.hpp). The build overrides it
  // with -GTiming=480'h... (starc_timing_arg in CMakeLists.txt).
  localparam int T_RCD    = 0;
  localparam int T_RP     = 1;
  localparam int T_RAS    = 2;
  localparam int T_RC     = 3;
  localparam int T_RTPL   = 4;
  localparam int T_CCDAB  = 5;
  localparam int T_CCDS   = 6;
  localparam int T_CCDL   = 7;
  localparam int T_RRDS   = 8;
  localparam int T_RRDL   = 9;
  localparam int T_FAW    = 10;
  localparam int T_BL     = 11;
  localparam int T_ROW    = 12;
  localparam int T_RFC    = 13;
  localparam int T_REFI   = 14;
  localparam int TIMING_N = 15;
  localparam int TIMING_W = 32 * TIMING_N;
  function automatic logic [TIMING_W-1:0] timing_pack(
      input int nrcd, input int nrp, input int nras, input int nrc, input int nrtpl,
      input int nccdab, input int nccds, input int nccdl, input int nrrds, input int nrrdl,
      input int nfaw, input int nbl, input int nrow, input int nrfc, input int nrefi);
    timing_pack = {32'(nrefi), 32'(nrfc), 32'(nrow), 32'(nbl), 32'(nfaw), 32'(nrrdl), 32'(nrrds), 32'(nccdl),
                   32'(nccds), 32'(nccdab), 32'(nrtpl), 32'(nrc), 32'(nras), 32'(nrp), 32'(nrcd)};
  endfunction
  // Value T_* `k` of a packed timing parameter.
  function automatic int timing_get(input logic [TIMING_W-1:0] t, input int k);
    timing_get = t[32*k +: 32];
  endfunction
  localparam logic [TIMING_W-1:0] TIMING_HBM3 = timing_pack(
      HBM3_NRCD, HBM3_NRP, HBM3_NRAS, HBM3_NRC, HBM3_NRTPL, HBM3_NCCDAB, HBM3_NCCDS, HBM3_NCCDL,
      HBM3_NRRDS, HBM3_NRRDL, HBM3_NFAW, HBM3_NBL, HBM3_NROW, HBM3_NRFC, HBM3_NREFI);
  localparam logic [TIMING_W-1:0] TIMING_HBM3_NPC = timing_pack(
      HBM3_NRCD, HBM3_NRP, HBM3_NRAS, HBM3_NRC, HBM3_NRTPL, HBM3_NPC_NCCDAB, HBM3_NCCDS,
      HBM3_NCCDL, HBM3_NRRDS, HBM3_NRRDL, HBM3_NFAW, HBM3_NBL, HBM3_NROW, HBM3_NRFC, HBM3_NREFI);
  // Organisation read-back (pim_channel cfg_org_o): parameter k at bits [32*k +: 32].
  localparam int ORG_PSEUDO_CHANNELS = 0;
  localparam int ORG_RANKS           = 1;
  localparam int ORG_BANK_GROUPS     = 2;
  localparam int ORG_BANKS           = 3;
  localparam int ORG_LANES           = 4;
  localparam int ORG_COLUMNS         = 5;
  localparam int ORG_ROWS            = 6;
  localparam int ORG_COLS_PER_TOKEN  = 7;  // MaxColsPerToken: the largest head dimension's
  localparam int ORG_N               = 8;
  localparam int ORG_W               = 32 * ORG_N;
  // Head-dimension mode register (pim_channel mr_*): columns per token = 2^cpt_log2, run-time
  // configuration within the build's MaxColsPerToken (docs/design.md section 2). CPT_LOG2_W
  // bits hold log2(columns per token) in the banks.
  localparam int CPT_LOG2_W = 3;
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
  localparam int RULE_RFC        = 16;
  localparam int RULE_REF_OPEN   = 17;
  localparam int RULE_REFI       = 18;
  localparam int NUM_RULES       = 19;

  // ---- Centroid-match unit (centroid_match, docs/design.md section 5 step 2) ----------------------
  localparam int CM_ID_W         = 20;    // cluster id (0..2^20-1: every cluster of a 2^20-token context)
  localparam int CM_SCORE_W      = 32;    // centroid score, binary32 bits
  localparam int CM_SIZE_W       = 7;     // cluster size in tokens (0..64; up to 127 handled)
  localparam int CM_BUDGET_W     = 21;    // budget B in tokens (1..2^21-1; 0 selects nothing)
  localparam int CM_KEY_W        = CM_SCORE_W + CM_ID_W;  // sort key {score key, ~id}
  localparam int CM_MAX_CLUSTERS = 1 << CM_ID_W;  // default stream length C (entries per pass)
  localparam int CM_MAX_SEL      = 256;   // default S: at most this many clusters selected
  localparam int CM_IN_WIDTH     = 4;     // entries accepted per cycle (an MVSB delivers 8 scores
                                          // per nBL = 2 cycles)

endpackage
