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
// Structure: a streaming insertion-sorted register array of S slots (slot 0 = best). Each new
//   entry is compared with all S slots in parallel (48-bit unsigned compare of the sort key
//   {monotone score key, ~id}); the slots at and below its rank shift down by one and it is
//   written into the gap, so one entry is accepted per cycle without stalls; the entry pushed
//   out of slot S-1 can never be selected (S better ones exist). After the last entry the array
//   is shifted out of slot 0 one cluster per cycle while a remaining-budget register computes
//   the take. Chosen over a multi-pass argmax (S x C cycles), a systolic sorter (same S
//   comparators plus S cycles of drain before the walk) and a threshold search (needs a second
//   pass over the stream, i.e. a C-entry buffer): it needs no stream buffer and its output
//   starts one cycle after the last entry. Cost: S 52-bit comparators (+1 for the resume
//   floor) and S x 60 flops (+52); Yosys 0.23 generic `synth` at S = 256: 119,156 cells
//   (15,470 flops), see `make synth`.
//
// Cycle contract (cycle 0 = the cycle the first entry is presented):
//   - start_i (only while ready_o is high) latches budget_i and resume_i and clears the array; the first
//     entry may be presented in the same cycle as start_i or any later cycle.
//   - Entries: in_valid_i with in_id_i/in_score_i/in_size_i, one per cycle, gaps allowed (no
//     ready signal: the unit never stalls); in_last_i marks the last entry (C >= 1 entries).
//   - With the last entry in cycle L (= C-1 without gaps), the selection is presented as
//     out_valid_o for n consecutive cycles L+2 .. L+n+1 (slot order = selection order,
//     out_take_o = tokens taken, out_last_o on the final one). done_o pulses once, together with
//     the final entry (or alone in cycle L+2 if nothing is selected), with budget_met_o and
//     s_limit_o valid in that cycle. ready_o rises in the done_o cycle, so the next start_i
//     may come in that very cycle (back-to-back selections).
//   - Hence the result is complete in cycle C + max(n, 1) <= C + S (constant: 1 cycle for the
//     output register), i.e. C + n + 1 cycles counting cycle 0 and the done cycle. A pass is
//     timed the same way (C counts the dropped entries too); P passes back to back (each start_i
//     in the previous done cycle) take sum(C + n_p + 1) - (P - 1) cycles.
// Parameters: MaxClusters (C, stream length bound per pass; checked in simulation only; ids are
//   CM_ID_W = 20 bits, so 2^20 distinct clusters), MaxSel (S >= 2).
module centroid_match #(
  parameter int MaxClusters = pim_pkg::CM_MAX_CLUSTERS,
  parameter int MaxSel      = pim_pkg::CM_MAX_SEL
) (
  input  logic                            clk_i,
  input  logic                            rst_ni,
  // Selection control
  input  logic                            start_i,
  input  logic [pim_pkg::CM_BUDGET_W-1:0] budget_i,
  input  logic                            resume_i,   // continue after the previous pass
  output logic                            ready_o,
  // Entry stream (the banks' centroid scores via MVSB)
  input  logic                            in_valid_i,
  input  logic                            in_last_i,
  input  logic [pim_pkg::CM_ID_W-1:0]     in_id_i,
  input  logic [pim_pkg::CM_SCORE_W-1:0]  in_score_i,
  input  logic [pim_pkg::CM_SIZE_W-1:0]   in_size_i,
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

  if (MaxSel < 2) begin : gen_bad_param
    centroid_match_error_max_sel_must_be_at_least_2 u_error ();
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

  logic            entry_en, insert, walk, eff_resume, passed;
  logic [KeyW-1:0] new_key, last_key_q;
  logic [S-1:0]    eff_valid, ge, prev_ge;

  assign entry_en   = in_valid_i && ((state_q == StIdle && start_i) || state_q == StLoad);
  assign new_key    = {score_key(in_score_i), ~in_id_i};
  // A resumed pass drops the entries that rank at or before the previous pass's last output.
  assign eff_resume = (state_q == StIdle && start_i) ? (resume_i && can_resume_q) : resume_q;
  assign passed     = eff_resume && (new_key >= last_key_q);
  assign insert     = entry_en && (in_size_i != '0) && !passed;
  assign walk       = (state_q == StWalk);
  // start_i empties the array for the entry that may come with it.
  assign eff_valid = valid_q & {S{!(state_q == StIdle && start_i)}};

  // ge[i]: slot i holds an entry that ranks at or above the new one (a prefix of the array).
  for (genvar i = 0; i < S; i++) begin : gen_cmp
    assign ge[i] = eff_valid[i] && (key_q[i*KeyW +: KeyW] >= new_key);
  end
  assign prev_ge = {ge[S-2:0], 1'b1};

  // Slot i takes: its own entry (ge), the new entry (first slot below the prefix), or the
  // entry of slot i-1 (shift down). While walking every slot takes slot i+1 (shift up).
  for (genvar i = 0; i < S; i++) begin : gen_slot
    logic [KeyW-1:0] own_key, up_key, dn_key, slot_key;
    logic [SzW-1:0]  own_size, up_size, dn_size, slot_size;
    logic            up_valid, dn_valid, slot_valid;
    assign own_key  = key_q[i*KeyW +: KeyW];
    assign own_size = size_q[i*SzW +: SzW];
    if (i == 0) begin : gen_first
      assign up_key   = new_key;
      assign up_size  = in_size_i;
      assign up_valid = 1'b1;
    end else begin : gen_rest
      assign up_key   = key_q[(i-1)*KeyW +: KeyW];
      assign up_size  = size_q[(i-1)*SzW +: SzW];
      assign up_valid = eff_valid[i-1];
    end
    if (i == S - 1) begin : gen_bottom
      assign dn_key   = own_key;
      assign dn_size  = own_size;
      assign dn_valid = 1'b0;
    end else begin : gen_upper
      assign dn_key   = key_q[(i+1)*KeyW +: KeyW];
      assign dn_size  = size_q[(i+1)*SzW +: SzW];
      assign dn_valid = valid_q[i+1];
    end

    // Scalar selects only in here (Icarus 11 cannot handle part-selects inside always_*).
    logic own_valid, own_ge, own_prev_ge;
    assign own_valid   = eff_valid[i];
    assign own_ge      = ge[i];
    assign own_prev_ge = prev_ge[i];
    always_comb begin
      slot_key   = own_key;
      slot_size  = own_size;
      slot_valid = own_valid;
      if (walk) begin
        slot_key   = dn_key;
        slot_size  = dn_size;
        slot_valid = dn_valid;
      end else if (insert && !own_ge) begin
        if (own_prev_ge) begin
          slot_key   = new_key;
          slot_size  = in_size_i;
          slot_valid = 1'b1;
        end else begin
          slot_key   = up_key;
          slot_size  = up_size;
          slot_valid = up_valid;
        end
      end
    end
    assign key_d[i*KeyW +: KeyW] = slot_key;
    assign size_d[i*SzW +: SzW]  = slot_size;
    assign valid_d[i]            = slot_valid;
  end

  always_ff @(posedge clk_i) begin
    key_q  <= key_d;
    size_q <= size_d;
  end

  // ---- Walk: slot 0 is the next cluster in selection order -----------------------------------
  logic [SzW-1:0] head_size, head_take;
  logic [IdW-1:0] head_id;
  logic [BW-1:0]  rem_after;
  logic           head_fills, head_last, empty_sel, full;
  assign head_size  = size_q[SzW-1:0];
  assign head_id    = ~key_q[IdW-1:0];
  assign head_fills = ({{(BW-SzW){1'b0}}, head_size} >= rem_q);
  assign head_take  = head_fills ? rem_q[SzW-1:0] : head_size;
  assign rem_after  = head_fills ? '0 : rem_q - {{(BW-SzW){1'b0}}, head_size};
  assign head_last  = head_fills || !valid_q[1];
  // Only possible in the first walk cycle: B = 0 or no cluster of non-zero size.
  assign empty_sel  = (rem_q == '0) || !valid_q[0];
  assign full       = eff_valid[S-1];

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
    if (insert && full) begin
      overflow_d = 1'b1;
    end
    case (state_q)
      StIdle: begin
        if (start_i) begin
          state_d = (in_valid_i && in_last_i) ? StWalk : StLoad;
        end
      end
      StLoad: begin
        if (in_valid_i && in_last_i) begin
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
      if (in_valid_i && !entry_en) begin
        $error("centroid_match: entry outside a selection (no start_i)");
      end
      if (entry_en && in_size_i > SzW'(64)) begin
        $error("centroid_match: cluster size %0d above 64", in_size_i);
      end
      if (state_q == StIdle && start_i) begin
        n_entries_q <= entry_en ? 1 : 0;
      end else if (entry_en) begin
        n_entries_q <= n_entries_q + 1;
        if (n_entries_q + 1 > MaxClusters) begin
          $error("centroid_match: more than MaxClusters = %0d entries", MaxClusters);
        end
      end
    end
  end
`endif

endmodule
