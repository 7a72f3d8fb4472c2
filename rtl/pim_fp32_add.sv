// pim_fp32_add: IEEE binary32 addition, round-to-nearest-even (DESIGN.md section 3, `add`).
//
// Contract: subnormal operands and results are honoured (no flush to zero); overflow gives a
// signed infinity; inf + finite = inf; any NaN operand and inf + (-inf) give the canonical NaN
// pim_pkg::CANON_NAN; an exact zero sum of opposite-signed operands is +0, (-0) + (-0) = -0.
// Combinational: no latency, no state.
// Datapath: order the operands by magnitude, align the smaller one with guard/round/sticky
// bits, add or subtract the 27-bit significands, normalise (leading-zero count, limited so that
// the exponent never drops below the subnormal exponent), round to nearest even, pack.
// (Mostly continuous assignments: Icarus 11 cannot take constant part selects in always_comb.)
module pim_fp32_add (
  input  logic [31:0] a_i,
  input  logic [31:0] b_i,
  output logic [31:0] sum_o
);

  // ---- Classify and order by magnitude -------------------------------------------------------
  logic a_inf, a_nan, b_inf, b_nan;
  assign a_inf = (a_i[30:23] == 8'hFF) && (a_i[22:0] == 23'd0);
  assign a_nan = (a_i[30:23] == 8'hFF) && (a_i[22:0] != 23'd0);
  assign b_inf = (b_i[30:23] == 8'hFF) && (b_i[22:0] == 23'd0);
  assign b_nan = (b_i[30:23] == 8'hFF) && (b_i[22:0] != 23'd0);

  logic        swap;                   // |b| > |a|: b is the larger operand
  logic [31:0] larger, smaller;
  logic        res_sign, eff_sub;
  logic [7:0]  larger_exp, smaller_exp;  // effective exponents (1 for subnormals and zeros)
  logic [23:0] larger_sig, smaller_sig;  // significands with the hidden bit at [23]

  assign swap        = (b_i[30:0] > a_i[30:0]);
  assign larger      = swap ? b_i : a_i;
  assign smaller     = swap ? a_i : b_i;
  assign res_sign    = larger[31];
  assign eff_sub     = larger[31] ^ smaller[31];
  assign larger_exp  = (larger[30:23] == 8'd0) ? 8'd1 : larger[30:23];
  assign smaller_exp = (smaller[30:23] == 8'd0) ? 8'd1 : smaller[30:23];
  assign larger_sig  = {larger[30:23] != 8'd0, larger[22:0]};
  assign smaller_sig = {smaller[30:23] != 8'd0, smaller[22:0]};

  // ---- Align ---------------------------------------------------------------------------------
  // Both significands get 3 extra low bits (guard, round, sticky). The smaller operand is
  // shifted right by the exponent difference; everything shifted past the round bit is ORed
  // into the sticky bit. A difference of 27 or more leaves only the sticky bit.
  logic [7:0]  exp_diff;
  logic [4:0]  align_shift;
  logic [53:0] smaller_wide;   // {smaller_sig, 3'b0, 27 catch bits} >> align_shift
  logic [26:0] larger_ext, smaller_ext;

  assign exp_diff     = larger_exp - smaller_exp;
  assign align_shift  = (exp_diff > 8'd27) ? 5'd27 : exp_diff[4:0];
  assign smaller_wide = {smaller_sig, 3'b000, 27'd0} >> align_shift;
  assign larger_ext   = {larger_sig, 3'b000};
  assign smaller_ext  = {smaller_wide[53:28], smaller_wide[27] | (|smaller_wide[26:0])};

  // ---- Add / subtract ------------------------------------------------------------------------
  // |larger| >= |smaller|, so the difference is never negative.
  logic [27:0] raw_sum;
  assign raw_sum = eff_sub ? ({1'b0, larger_ext} - {1'b0, smaller_ext})
                           : ({1'b0, larger_ext} + {1'b0, smaller_ext});

  // ---- Normalise -----------------------------------------------------------------------------
  // Target: leading one at [26] with exponent norm_exp. A carry shifts right by one (the
  // dropped bit joins the sticky bit); a cancellation shifts left by the leading-zero count,
  // but never below exponent 1 (the result is then subnormal and has no hidden bit).
  logic [4:0]  lz;          // leading zeros of raw_sum[26:0] (27 when it is zero)
  logic [8:0]  max_shift;   // larger_exp - 1: the largest shift that keeps the exponent >= 1
  logic [8:0]  left_shift;
  logic [26:0] norm;
  logic [9:0]  norm_exp;

  always_comb begin
    lz = 5'd27;
    for (int i = 0; i < 27; i++) begin
      if (raw_sum[i]) lz = 5'(26 - i);
    end
  end

  assign max_shift  = {1'b0, larger_exp} - 9'd1;
  assign left_shift = ({4'd0, lz} < max_shift) ? {4'd0, lz} : max_shift;
  assign norm       = raw_sum[27] ? {raw_sum[27:2], raw_sum[1] | raw_sum[0]}
                                  : (raw_sum[26:0] << left_shift);
  assign norm_exp   = raw_sum[27] ? ({2'b00, larger_exp} + 10'd1)
                                  : ({2'b00, larger_exp} - {1'b0, left_shift});

  // ---- Round to nearest even and pack --------------------------------------------------------
  logic        round_up;
  logic [24:0] rounded;     // norm[26:3] + round_up, carry at [24]
  logic [23:0] final_sig;   // hidden bit at [23]
  logic [9:0]  final_exp;
  logic [30:0] mag;

  assign round_up  = norm[2] && (norm[1] || norm[0] || norm[3]);
  assign rounded   = {1'b0, norm[26:3]} + {24'd0, round_up};
  assign final_sig = rounded[24] ? rounded[24:1] : rounded[23:0];
  assign final_exp = rounded[24] ? (norm_exp + 10'd1) : norm_exp;
  assign mag = (final_exp >= 10'd255) ? {8'hFF, 23'd0}              // overflow: infinity
             : !final_sig[23]         ? {8'd0, final_sig[22:0]}     // subnormal
             : {final_exp[7:0], final_sig[22:0]};

  // ---- Special cases and the sign of zero ----------------------------------------------------
  // The infinity of an inf + finite sum is the larger operand. An exact zero is +0 under
  // round-to-nearest unless both operands are zeros of sign -.
  assign sum_o = (a_nan || b_nan || (a_inf && b_inf && (a_i[31] != b_i[31]))) ? pim_pkg::CANON_NAN
               : (a_inf || b_inf)      ? {res_sign, 8'hFF, 23'd0}
               : (raw_sum == 28'd0)    ? {res_sign && !eff_sub, 31'd0}
               : {res_sign, mag};

endmodule
