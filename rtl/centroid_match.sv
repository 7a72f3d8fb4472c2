// centroid_match: the STARC centroid-match unit on the buffer die (docs/design.md section 5, step 2).
//
// Function (bit-exact contract, golden model host/centroid_select.cpp):
//   A selection receives a stream of entries (cluster id, score, size) and a budget B in tokens.
//   It returns the clusters in descending score order until their sizes sum to at least B; the
//   last one is cut so that the takes sum to exactly B. Order: scores compared as binary32
//   numbers, +0.0 == -0.0, every NaN below every number (-inf included), equal scores by lower id
//   first, equal (score, id) in arrival order. Entries of size 0 (empty clusters) are dropped at
//   the input: never selected, never counted against S. At most MaxSel (S) clusters are selected.
//   Result flags: budget_met_o (takes sum to B), s_limit_o (B not met and more clusters of
//   non-zero size existed than the S that were selected). Neither flag: every cluster was
//   selected and together they hold fewer than B tokens. B = 0 selects nothing (budget met).
//
// Passes (no limit on the number of selected clusters): a selection that ends with s_limit_o
//   may be continued by a further pass: start_i with resume_i high, the remaining budget and
//   the same stream replayed. A resumed pass drops at the input (like size-0 entries) every entry
//   that ranks at or before the last cluster the previous pass output (its sort key is kept in a
//   register), so it selects the next clusters in ranking order. The concatenation of the passes
//   is the single-pass selection with unlimited S (ids are unique in a stream; two entries with
//   equal score and id would both be dropped once one of them was output). resume_i is ignored
//   (and flagged in simulation) unless the previous selection ended with s_limit_o.
//
// Structure: a streaming insertion-sorted register array of S slots (slot 0 = best). Up to
//   InWidth (W) entries arrive per cycle (an MVSB delivers 8 scores every nBL = 2 cycles, so W = 4
//   keeps pace with the channel). Each lane's entry is compared with all S slots in parallel
//   (52-bit unsigned compare of the sort key {monotone score key, ~id}) and with the other lanes
//   (its rank among them); slot i moves down by the number of lanes ranking above it, and lane k
//   is written at its insertion point plus its rank, so W entries are merged per cycle without
//   stalls; entries pushed beyond slot S-1 can never be selected (S better ones exist). After the last entry the array
//   is shifted out of slot 0 one cluster per cycle while a remaining-budget register computes
//   the take. Chosen over a multi-pass argmax (S x C cycles), a systolic sorter (same S
//   comparators plus S cycles of drain before the walk) and a threshold search (needs a second
//   pass over the stream, i.e. a C-entry buffer): it needs no stream buffer and its output
//   starts one cycle after the last entry. Cost: S x W 52-bit comparators (+W for the resume
//   floor, W(W-1) between lanes), a (W+1+W*W)-way select per slot and S x 60 flops (+52); see
//   `make synth` for the cell counts.
//
// Cycle contract (cycle 0 = the cycle the first entry is presented):
//   - start_i (only while ready_o is high) latches budget_i and resume_i and clears the array; the first
//     entry may be presented in the same cycle as start_i or any later cycle.
//   - Entries: in_valid_i[k] with lane k of in_id_i/in_score_i/in_size_i, up to W per cycle in
//     any lanes, cycles without entries allowed (no ready signal: the unit never stalls);
//     in_last_i marks the cycle of the last entries (C >= 1 entries).
//   - With the last entries in cycle L (= ceil(C/W)-1 with full cycles), the selection is presented as
//     out_valid_o for n consecutive cycles L+2 .. L+n+1 (slot order = selection order,
//     out_take_o = tokens taken, out_last_o on the final one). done_o pulses once, together with
//     the final entry (or alone in cycle L+2 if nothing is selected), with budget_met_o and
//     s_limit_o valid in that cycle. ready_o rises in the done_o cycle, so the next start_i
//     may come in that very cycle (back-to-back selections).
//   - Hence the result is complete in cycle L + 1 + max(n, 1), i.e. L + n + 2 cycles counting
//     cycle 0 and the done cycle. A pass is timed the same way (its cycles count the dropped
//     entries too); P passes back to back (each start_i in the previous done cycle) take
//     sum(L_p + n_p + 2) - (P - 1) cycles.
// Parameters: MaxClusters (C, stream length bound per pass; checked in simulation only; ids are
//   CM_ID_W = 20 bits, so 2^20 distinct clusters), MaxSel (S >= 2), InWidth (1 <= W <= S).
module centroid_match #(
  parameter int MaxClusters = pim_pkg::CM_MAX_CLUSTERS,
  parameter int MaxSel      = pim_pkg::CM_MAX_SEL,
  parameter int InWidth     = pim_pkg::CM_IN_WIDTH
) (
  input  logic                            clk_i,
  input  logic                            rst_ni,
  // Selection control
  input  logic                            start_i,
  input  logic [pim_pkg::CM_BUDGET_W-1:0] budget_i,
  input  logic                            resume_i,   // continue after the previous pass
  output logic                            ready_o,
  // Entry stream (the banks' centroid scores via MVSB)
  // Entry stream (the banks' centroid scores via MVSB): up to InWidth entries per cycle, lane k
  // at [k*width +: width]; in_last_i: this cycle holds the stream's last entries.
  input  logic [InWidth-1:0]                       in_valid_i,
  input  logic                                     in_last_i,
  input  logic [InWidth*pim_pkg::CM_ID_W-1:0]      in_id_i,
  input  logic [InWidth*pim_pkg::CM_SCORE_W-1:0]   in_score_i,
  input  logic [InWidth*pim_pkg::CM_SIZE_W-1:0]    in_size_i,
  // Selected clusters, best first
  output logic                            out_valid_o,
  output logic                            out_last_o,
  output logic [pim_pkg::CM_ID_W-1:0]     out_id_o,
  output logic [pim_pkg::CM_SIZE_W-1:0]   out_take_o,
  // End of selection
  output logic                            done_o,
  output logic                            budget_met_o,
  output logic                            s_limit_o
);

  localparam int IdW  = pim_pkg::CM_ID_W;
  localparam int SzW  = pim_pkg::CM_SIZE_W;
  localparam int BW   = pim_pkg::CM_BUDGET_W;
  localparam int KeyW = pim_pkg::CM_KEY_W;
  localparam int S    = MaxSel;
  localparam int W    = InWidth;

  if (MaxSel < 2) begin : gen_bad_param
    centroid_match_error_max_sel_must_be_at_least_2 u_error ();
  end
  if (InWidth < 1 || InWidth > MaxSel) begin : gen_bad_width
    centroid_match_error_in_width_must_be_1_to_max_sel u_error ();
  end

  // Monotone key of a binary32 score: unsigned order of keys = numeric order of scores, with
  // -0 mapped to +0 and every NaN to 0 (below -inf, whose key is 0x007FFFFF).
  function automatic logic [31:0] score_key(input logic [31:0] s);
    if (s[30:23] == 8'hFF && s[22:0] != 23'd0) begin
      score_key = 32'd0;
    end else if (s[31] == 1'b0 || s[30:0] == 31'd0) begin
      score_key = {1'b1, s[30:0]};
    end else begin
      score_key = ~s;
    end
  endfunction

  // ---- Control state --------------------------------------------------------------------------
  localparam logic [1:0] StIdle = 2'd0;
  localparam logic [1:0] StLoad = 2'd1;
  localparam logic [1:0] StWalk = 2'd2;

  logic [1:0]    state_q, state_d;
  logic [BW-1:0] rem_q, rem_d;         // budget not yet taken
  logic          overflow_q, overflow_d;  // a non-empty cluster fell out of slot S-1
  logic          resume_q, resume_d;      // this pass resumes after last_key_q
  logic          can_resume_q, can_resume_d;  // the previous selection ended with s_limit_o

  // ---- Sorted array (flattened: Yosys 0.23 has no multi-dimensional packed arrays) -----------
  logic [S*KeyW-1:0] key_q, key_d;
  logic [S*SzW-1:0]  size_q, size_d;
  logic [S-1:0]      valid_q, valid_d;

  logic            beat, walk, eff_resume;
  logic [KeyW-1:0] last_key_q;
  logic [S-1:0]    eff_valid;
  logic [W-1:0]    ins;                 // lane k is inserted this cycle
  logic [W*KeyW-1:0] new_key;           // lane k's sort key at [k*KeyW +: KeyW]

  // A beat: some lane valid while a selection takes entries (start_i may come with it).
  assign beat       = (|in_valid_i) && ((state_q == StIdle && start_i) || state_q == StLoad);
  // A resumed pass drops the entries that rank at or before the previous pass's last output.
  assign eff_resume = (state_q == StIdle && start_i) ? (resume_i && can_resume_q) : resume_q;
  assign walk       = (state_q == StWalk);
  // start_i empties the array for the entries that may come with it.
  assign eff_valid = valid_q & {S{!(state_q == StIdle && start_i)}};

  for (genvar k = 0; k < W; k++) begin : gen_lane
    logic [KeyW-1:0] key;
    logic            passed;
    assign key    = {score_key(in_score_i[k*32 +: 32]), ~in_id_i[k*IdW +: IdW]};
    assign passed = eff_resume && (key >= last_key_q);
    assign new_key[k*KeyW +: KeyW] = key;
    assign ins[k] = beat && in_valid_i[k] && (in_size_i[k*SzW +: SzW] != '0) && !passed;
  end

  // ge[i*W + k]: slot i holds an entry that ranks at or above lane k's (a prefix of the array
  // for each lane). prev_ge: the same for slot i-1 (slot -1: always).
  logic [S*W-1:0] ge, prev_ge;
  for (genvar i = 0; i < S; i++) begin : gen_cmp
    for (genvar k = 0; k < W; k++) begin : gen_cmp_lane
      assign ge[i*W + k] = eff_valid[i] && (key_q[i*KeyW +: KeyW] >= new_key[k*KeyW +: KeyW]);
      if (i == 0) begin : gen_top
        assign prev_ge[k] = 1'b1;
      end else begin : gen_below
        assign prev_ge[i*W + k] = ge[(i-1)*W + k];
      end
    end
  end

  // Rank of lane k among this cycle's inserted lanes (lanes ranking above it; equal keys: the
  // lower lane first), and, per slot, how many inserted lanes rank above its entry (it moves
  // down by that many).
  localparam int RW = $clog2(W + 1);
  logic [W*RW-1:0] rank;
  logic [S*RW-1:0] above;
  // (Accumulated in a block-local variable: an always_comb that read back what it wrote would
  // retrigger itself forever under Icarus.)
  always_comb begin : gen_rank
    logic [RW-1:0] acc;
    for (int k = 0; k < W; k++) begin
      acc = '0;
      for (int j = 0; j < W; j++) begin
        if (j != k && ins[j] &&
            ((new_key[j*KeyW +: KeyW] > new_key[k*KeyW +: KeyW]) ||
             (new_key[j*KeyW +: KeyW] == new_key[k*KeyW +: KeyW] && j < k))) begin
          acc = acc + RW'(1);
        end
      end
      rank[k*RW +: RW] = acc;
    end
  end
  // (Icarus 11 cannot take constant part-selects inside always_*: each slot's slices are wires.)
  for (genvar i = 0; i < S; i++) begin : gen_above
    logic [W-1:0]  ge_row;
    logic [RW-1:0] cnt;
    assign ge_row = ge[i*W +: W];
    always_comb begin : count
      logic [RW-1:0] acc;
      acc = '0;
      for (int k = 0; k < W; k++) begin
        if (ins[k] && !ge_row[k]) acc = acc + RW'(1);
      end
      cnt = acc;
    end
    assign above[i*RW +: RW] = cnt;
  end

  // Slot p takes: the entry of slot p-d that moves down by d (d = 0..W), or inserted lane k
  // whose insertion point (first slot below its prefix) plus its rank is p, or nothing. While
  // walking every slot takes slot p+1 (shift up).
  for (genvar p = 0; p < S; p++) begin : gen_slot
    logic [KeyW-1:0]       slot_key, dn_key;
    logic [SzW-1:0]        slot_size, dn_size;
    logic                  slot_valid, dn_valid;
    logic [(W+1)*KeyW-1:0] old_key;   // candidate d: slot p-d
    logic [(W+1)*SzW-1:0]  old_size;
    logic [W:0]            old_ok;    // slot p-d holds an entry that moves down by d
    logic [W*W-1:0]        new_ok;    // [k*W + r]: lane k, of rank r, lands in slot p
    if (p == S - 1) begin : gen_bottom
      assign dn_key   = key_q[p*KeyW +: KeyW];
      assign dn_size  = size_q[p*SzW +: SzW];
      assign dn_valid = 1'b0;
    end else begin : gen_upper
      assign dn_key   = key_q[(p+1)*KeyW +: KeyW];
      assign dn_size  = size_q[(p+1)*SzW +: SzW];
      assign dn_valid = valid_q[p+1];
    end
    for (genvar d = 0; d <= W; d++) begin : gen_old
      if (p - d >= 0) begin : gen_in
        assign old_key[d*KeyW +: KeyW] = key_q[(p-d)*KeyW +: KeyW];
        assign old_size[d*SzW +: SzW]  = size_q[(p-d)*SzW +: SzW];
        assign old_ok[d] = eff_valid[p-d] && (above[(p-d)*RW +: RW] == RW'(d));
      end else begin : gen_out
        assign old_key[d*KeyW +: KeyW] = '0;
        assign old_size[d*SzW +: SzW]  = '0;
        assign old_ok[d] = 1'b0;
      end
    end
    for (genvar k = 0; k < W; k++) begin : gen_new
      for (genvar r = 0; r < W; r++) begin : gen_rank
        if (p - r >= 0) begin : gen_in
          assign new_ok[k*W + r] = ins[k] && (rank[k*RW +: RW] == RW'(r)) && prev_ge[(p-r)*W + k] &&
                                   !ge[(p-r)*W + k];
        end else begin : gen_out
          assign new_ok[k*W + r] = 1'b0;
        end
      end
    end
    always_comb begin
      slot_key   = dn_key;
      slot_size  = dn_size;
      slot_valid = 1'b0;
      if (walk) begin
        slot_valid = dn_valid;
      end else begin
        for (int d = 0; d <= W; d++) begin
          if (old_ok[d]) begin
            slot_key   = old_key[d*KeyW +: KeyW];
            slot_size  = old_size[d*SzW +: SzW];
            slot_valid = 1'b1;
          end
        end
        for (int k = 0; k < W; k++) begin
          for (int r = 0; r < W; r++) begin
            if (new_ok[k*W + r]) begin
              slot_key   = new_key[k*KeyW +: KeyW];
              slot_size  = in_size_i[k*SzW +: SzW];
              slot_valid = 1'b1;
            end
          end
        end
      end
    end
    assign key_d[p*KeyW +: KeyW] = slot_key;
    assign size_d[p*SzW +: SzW]  = slot_size;
    assign valid_d[p]            = slot_valid;
  end

  // A non-empty cluster falls out of slot S-1: an entry of the last W slots moves beyond it, or
  // an inserted lane's place is beyond it.
  logic overflow_now;
  always_comb begin
    overflow_now = 1'b0;
    for (int i = (S > W ? S - W : 0); i < S; i++) begin
      if (eff_valid[i] && 32'(i) + 32'(above[i*RW +: RW]) >= 32'(S)) overflow_now = 1'b1;
    end
    for (int k = 0; k < W; k++) begin
      for (int r = 0; r < W; r++) begin
        if (ins[k] && rank[k*RW +: RW] == RW'(r) && S - 1 - r >= 0 && ge[(S-1-r)*W + k]) overflow_now = 1'b1;
      end
    end
  end

  always_ff @(posedge clk_i) begin
    key_q  <= key_d;
    size_q <= size_d;
  end

  // ---- Walk: slot 0 is the next cluster in selection order -----------------------------------
  logic [SzW-1:0] head_size, head_take;
  logic [IdW-1:0] head_id;
  logic [BW-1:0]  rem_after;
  logic           head_fills, head_last, empty_sel;
  assign head_size  = size_q[SzW-1:0];
  assign head_id    = ~key_q[IdW-1:0];
  assign head_fills = ({{(BW-SzW){1'b0}}, head_size} >= rem_q);
  assign head_take  = head_fills ? rem_q[SzW-1:0] : head_size;
  assign rem_after  = head_fills ? '0 : rem_q - {{(BW-SzW){1'b0}}, head_size};
  assign head_last  = head_fills || !valid_q[1];
  // Only possible in the first walk cycle: B = 0 or no cluster of non-zero size.
  assign empty_sel  = (rem_q == '0) || !valid_q[0];

  // Sort key of the last cluster output (the resume floor of a following pass).
  always_ff @(posedge clk_i) begin
    if (walk && !empty_sel) begin
      last_key_q <= key_q[KeyW-1:0];
    end
  end

  logic           out_valid_d, out_last_d, done_d, met_d, slim_d;
  logic [IdW-1:0] out_id_d;
  logic [SzW-1:0] out_take_d;

  always_comb begin
    state_d     = state_q;
    rem_d       = rem_q;
    overflow_d  = overflow_q;
    resume_d    = resume_q;
    can_resume_d = can_resume_q;
    out_valid_d = 1'b0;
    out_last_d  = 1'b0;
    out_id_d    = head_id;
    out_take_d  = head_take;
    done_d      = 1'b0;
    met_d       = 1'b0;
    slim_d      = 1'b0;
    if (state_q == StIdle && start_i) begin
      rem_d        = budget_i;
      overflow_d   = 1'b0;
      resume_d     = resume_i && can_resume_q;
      can_resume_d = 1'b0;
    end
    if (overflow_now) begin
      overflow_d = 1'b1;
    end
    case (state_q)
      StIdle: begin
        if (start_i) begin
          state_d = (beat && in_last_i) ? StWalk : StLoad;
        end
      end
      StLoad: begin
        if (beat && in_last_i) begin
          state_d = StWalk;
        end
      end
      StWalk: begin
        if (empty_sel) begin
          done_d  = 1'b1;
          met_d   = (rem_q == '0);
          state_d = StIdle;
        end else begin
          out_valid_d = 1'b1;
          out_last_d  = head_last;
          rem_d       = rem_after;
          if (head_last) begin
            done_d  = 1'b1;
            met_d   = head_fills;
            slim_d  = !head_fills && overflow_q;
            can_resume_d = !head_fills && overflow_q;
            state_d = StIdle;
          end
        end
      end
      default: state_d = StIdle;
    endcase
  end

  logic           out_valid_q, out_last_q, done_q, met_q, slim_q;
  logic [IdW-1:0] out_id_q;
  logic [SzW-1:0] out_take_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q     <= StIdle;
      valid_q     <= '0;
      rem_q       <= '0;
      overflow_q  <= 1'b0;
      resume_q    <= 1'b0;
      can_resume_q <= 1'b0;
      out_valid_q <= 1'b0;
      out_last_q  <= 1'b0;
      done_q      <= 1'b0;
      met_q       <= 1'b0;
      slim_q      <= 1'b0;
    end else begin
      state_q     <= state_d;
      valid_q     <= valid_d;
      rem_q       <= rem_d;
      overflow_q  <= overflow_d;
      resume_q    <= resume_d;
      can_resume_q <= can_resume_d;
      out_valid_q <= out_valid_d;
      out_last_q  <= out_last_d;
      done_q      <= done_d;
      met_q       <= met_d;
      slim_q      <= slim_d;
    end
  end

  always_ff @(posedge clk_i) begin
    out_id_q   <= out_id_d;
    out_take_q <= out_take_d;
  end

  assign ready_o      = (state_q == StIdle);
  assign out_valid_o  = out_valid_q;
  assign out_last_o   = out_last_q;
  assign out_id_o     = out_id_q;
  assign out_take_o   = out_take_q;
  assign done_o       = done_q;
  assign budget_met_o = met_q;
  assign s_limit_o    = slim_q;

`ifndef SYNTHESIS
  // Protocol checks (plain always: Icarus rejects system tasks in always_ff).
  int unsigned n_entries_q;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      n_entries_q <= 0;
    end else begin
      if (start_i && state_q != StIdle) begin
        $error("centroid_match: start_i while a selection is in progress");
      end
      if (state_q == StIdle && start_i && resume_i && !can_resume_q) begin
        $error("centroid_match: resume_i without a previous selection that ended with s_limit_o");
      end
      if ((|in_valid_i) && !beat) begin
        $error("centroid_match: entry outside a selection (no start_i)");
      end
      for (int k = 0; k < W; k++) begin
        if (beat && in_valid_i[k] && in_size_i[k*SzW +: SzW] > SzW'(64)) begin
          $error("centroid_match: cluster size %0d above 64", in_size_i[k*SzW +: SzW]);
        end
      end
      if (state_q == StIdle && start_i) begin
        n_entries_q <= beat ? $countones(in_valid_i) : 0;
      end else if (beat) begin
        n_entries_q <= n_entries_q + $countones(in_valid_i);
        if (n_entries_q + $countones(in_valid_i) > MaxClusters) begin
          $error("centroid_match: more than MaxClusters = %0d entries", MaxClusters);
        end
      end
    end
  end
`endif

endmodule
