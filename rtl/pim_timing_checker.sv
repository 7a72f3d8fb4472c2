// pim_timing_checker: checks every command presented to a PIM channel against the DRAM
// timing table of docs/design.md section 2 and the bank-state rules, in the same cycle.
//
// Rules (ids pim_pkg::RULE_*, identical to host/dram_timing.hpp): nRCD, nRP, nRAS, nRC,
// nRTPL per bank; nCCDAB between MACABs; nCCDL between MACABs sharing a bank group, nCCDS
// between any two MACABs (MACAB is the only column command); nRRDS/nRRDL between single-bank
// ACTs of one rank (different / same bank group) and nFAW (at most 4 single-bank ACTs per rank
// in any NFaw window); nBL on the data bus (WRGB, MVGB, MVSB); NRow command-bus cycles of a row
// command (ACT, ACTAB, PRE, PREA); MACAB to a bank without an open row; ACT/ACTAB to an open
// bank; address fields out of range or an unknown op. Refresh: REFAB pch rank needs every bank
// of the rank closed (ref-open) for nRP; no ACT/ACTAB/REFAB to the rank within nRFC of its
// REFAB (nRFC); with refresh_check_i high, a rank owes floor(t / nREFI) REFABs at trace cycle t
// (a counter from reset) and any other command while a rank owes more than
// REFRESH_POSTPONE, or a REFAB that puts it more than REFRESH_POSTPONE ahead, breaks nREFI
// (refresh_check_i low: `--refresh off`, no REFAB is issued and the interval is not checked).
// ACTAB acts as an ACT of every bank for
// the per-bank rules and is exempt from nRRD/nFAW (AttAcc's all-bank PIM command); PRE of a
// closed bank is a legal no-op and does not restart nRP. Same conventions as
// host/timing_state.hpp.
//
// Timing: viol_o is combinational for the command on the inputs (cycle t); timing_err_o is
// viol_o registered (valid in cycle t+1); err_sticky_o ORs every violation since reset and
// err_count_o counts violating commands. Timestamps are 32-bit cycle numbers; the cycle counter
// starts at 1024 after reset and timestamps at 0, so "never" is at least 1024 cycles ago
// (every timing value must be below 1024). State is updated by every command with a valid
// address, legal or not.
module pim_timing_checker #(
  parameter int PseudoChannels = 2,
  parameter int Ranks          = 2,
  parameter int BankGroups     = 4,
  parameter int Banks          = 4,
  parameter int Rows           = 16384,
  parameter int Columns        = 32,
  // The 15 timing values, packed by pim_pkg::timing_pack (value pim_pkg::T_* at [32*T_* +: 32]).
  parameter logic [pim_pkg::TIMING_W-1:0] Timing = pim_pkg::TIMING_HBM3
) (
  input  logic                                     clk_i,
  input  logic                                     rst_ni,
  input  logic                                     refresh_check_i,  // check the nREFI schedule
  input  logic                                     cmd_valid_i,
  input  logic [3:0]                               cmd_op_i,
  input  logic [pim_pkg::CMD_ADDR_W-1:0]           cmd_pch_i,
  input  logic [pim_pkg::CMD_ADDR_W-1:0]           cmd_rank_i,
  input  logic [pim_pkg::CMD_ADDR_W-1:0]           cmd_bg_i,
  input  logic [pim_pkg::CMD_ADDR_W-1:0]           cmd_bank_i,
  input  logic [pim_pkg::CMD_ROW_W-1:0]            cmd_row_i,
  input  logic [pim_pkg::CMD_COL_W-1:0]            cmd_col_i,
  input  logic [PseudoChannels*Ranks*BankGroups-1:0] cmd_mask_i,
  output logic [pim_pkg::NUM_RULES-1:0]            viol_o,
  output logic [pim_pkg::NUM_RULES-1:0]            timing_err_o,
  output logic [pim_pkg::NUM_RULES-1:0]            err_sticky_o,
  output logic [31:0]                              err_count_o,
  output logic [PseudoChannels*Ranks*BankGroups*Banks-1:0] bank_open_o
);

  localparam int NBg    = PseudoChannels * Ranks * BankGroups;
  localparam int NBanks = NBg * Banks;
  localparam int NRanks = PseudoChannels * Ranks;
  localparam int NRcd   = pim_pkg::timing_get(Timing, pim_pkg::T_RCD);
  localparam int NRp    = pim_pkg::timing_get(Timing, pim_pkg::T_RP);
  localparam int NRas   = pim_pkg::timing_get(Timing, pim_pkg::T_RAS);
  localparam int NRc    = pim_pkg::timing_get(Timing, pim_pkg::T_RC);
  localparam int NRtpl  = pim_pkg::timing_get(Timing, pim_pkg::T_RTPL);
  localparam int NCcdab = pim_pkg::timing_get(Timing, pim_pkg::T_CCDAB);
  localparam int NCcds  = pim_pkg::timing_get(Timing, pim_pkg::T_CCDS);
  localparam int NCcdl  = pim_pkg::timing_get(Timing, pim_pkg::T_CCDL);
  localparam int NRrds  = pim_pkg::timing_get(Timing, pim_pkg::T_RRDS);
  localparam int NRrdl  = pim_pkg::timing_get(Timing, pim_pkg::T_RRDL);
  localparam int NFaw   = pim_pkg::timing_get(Timing, pim_pkg::T_FAW);
  localparam int NBl    = pim_pkg::timing_get(Timing, pim_pkg::T_BL);
  localparam int NRow   = pim_pkg::timing_get(Timing, pim_pkg::T_ROW);
  localparam int NRfc   = pim_pkg::timing_get(Timing, pim_pkg::T_RFC);
  localparam int NRefi  = pim_pkg::timing_get(Timing, pim_pkg::T_REFI);
  localparam int BanksPerRank = BankGroups * Banks;
  localparam logic signed [7:0] Postpone = 8'(pim_pkg::REFRESH_POSTPONE);

  logic [31:0]                  now_q;
  logic [NBanks-1:0]            open_q;
  // Timestamp arrays are flat vectors, entry i at [32*i +: 32] (Yosys 0.23 has no packed
  // multi-dimensional arrays).
  logic [32*NBanks-1:0]         act_t_q;
  logic [32*NBanks-1:0]         pre_t_q;
  logic [32*NBanks-1:0]         mac_t_q;
  logic [32*NBg-1:0]            bg_act_t_q;
  logic [32*NBg-1:0]            bg_col_t_q;
  logic [32*4*NRanks-1:0]       faw_t_q;  // last 4 single-bank ACTs of rank r: entries 4r..4r+3, oldest first
  logic [31:0]                  macab_t_q, cmd_free_q, data_free_q;
  logic [pim_pkg::NUM_RULES-1:0] err_q, sticky_q;
  logic [31:0]                  count_q;
  // Refresh: per rank its last REFAB and the REFABs it owes (signed: negative = pulled in);
  // refi_q counts the cycles of the current nREFI interval.
  logic [32*NRanks-1:0]         ref_t_q;
  logic [8*NRanks-1:0]          owed_q;
  logic [31:0]                  refi_q;
  logic                         refi_wrap;
  assign refi_wrap = refi_q == 32'(NRefi - 1);

  // ---- Decode -----------------------------------------------------------------------------
  logic is_act, is_actab, is_pre, is_prea, is_macab, is_ref, is_row, is_data, addr_ok;
  logic [31:0] gbg, gbank, rank_idx;

  always_comb begin
    is_act   = cmd_op_i == pim_pkg::OP_ACT;
    is_actab = cmd_op_i == pim_pkg::OP_ACTAB;
    is_pre   = cmd_op_i == pim_pkg::OP_PRE;
    is_prea  = cmd_op_i == pim_pkg::OP_PREA;
    is_macab = cmd_op_i == pim_pkg::OP_MACAB;
    is_ref   = cmd_op_i == pim_pkg::OP_REFAB;
    is_row   = is_act || is_actab || is_pre || is_prea || is_ref;
    is_data  = (cmd_op_i == pim_pkg::OP_WRGB) || (cmd_op_i == pim_pkg::OP_MVGB) ||
               (cmd_op_i == pim_pkg::OP_MVSB);
    rank_idx = 32'(cmd_pch_i) * Ranks + 32'(cmd_rank_i);
    gbg      = rank_idx * BankGroups + 32'(cmd_bg_i);
    gbank    = gbg * Banks + 32'(cmd_bank_i);
    addr_ok  = (cmd_op_i >= pim_pkg::OP_ACTAB) && (cmd_op_i <= pim_pkg::OP_REFAB);
    if (is_ref && (32'(cmd_pch_i) >= PseudoChannels || 32'(cmd_rank_i) >= Ranks)) begin
      addr_ok = 1'b0;
    end
    if (is_act || is_pre || cmd_op_i == pim_pkg::OP_MVGB || cmd_op_i == pim_pkg::OP_MVSB) begin
      if (32'(cmd_pch_i) >= PseudoChannels || 32'(cmd_rank_i) >= Ranks ||
          32'(cmd_bg_i) >= BankGroups) begin
        addr_ok = 1'b0;
      end
    end
    if ((is_act || is_pre || cmd_op_i == pim_pkg::OP_WRGB) && 32'(cmd_bank_i) >= Banks) begin
      addr_ok = 1'b0;
    end
    if ((is_act || is_actab) && 32'(cmd_row_i) >= Rows) begin
      addr_ok = 1'b0;
    end
    if ((is_macab || cmd_op_i == pim_pkg::OP_WRGB || cmd_op_i == pim_pkg::OP_MVGB) &&
        32'(cmd_col_i) >= Columns) begin
      addr_ok = 1'b0;
    end
    if (!addr_ok) begin
      gbg      = 0;
      gbank    = 0;
      rank_idx = 0;
    end
  end

  // ---- Rule checks ---------------------------------------------------------------------------
  function automatic logic too_soon(input logic [31:0] now, input logic [31:0] t, input int n);
    too_soon = (now - t) < 32'(n);
  endfunction

  always_comb begin
    viol_o = '0;
    if (cmd_valid_i) begin
      if (!addr_ok) begin
        viol_o[pim_pkg::RULE_ADDRESS] = 1'b1;
      end else begin
        if (now_q < cmd_free_q) viol_o[pim_pkg::RULE_CMD_BUS] = 1'b1;
        if (is_data && now_q < data_free_q) viol_o[pim_pkg::RULE_DATA_BUS] = 1'b1;
        // Per-bank rules.
        for (int b = 0; b < NBanks; b++) begin
          if (is_actab || (is_act && b == gbank)) begin
            if (open_q[b]) viol_o[pim_pkg::RULE_ACT_OPEN] = 1'b1;
            if (too_soon(now_q, pre_t_q[32*b +: 32], NRp)) viol_o[pim_pkg::RULE_RP] = 1'b1;
            if (too_soon(now_q, act_t_q[32*b +: 32], NRc)) viol_o[pim_pkg::RULE_RC] = 1'b1;
          end
          if ((is_prea || (is_pre && b == gbank)) && open_q[b]) begin
            if (too_soon(now_q, act_t_q[32*b +: 32], NRas)) viol_o[pim_pkg::RULE_RAS] = 1'b1;
            if (too_soon(now_q, mac_t_q[32*b +: 32], NRtpl)) viol_o[pim_pkg::RULE_RTPL] = 1'b1;
          end
          if (is_macab && cmd_mask_i[b / Banks]) begin
            if (!open_q[b]) viol_o[pim_pkg::RULE_MAC_CLOSED] = 1'b1;
            else if (too_soon(now_q, act_t_q[32*b +: 32], NRcd)) viol_o[pim_pkg::RULE_RCD] = 1'b1;
          end
        end
        // Column rules.
        if (is_macab) begin
          if (too_soon(now_q, macab_t_q, NCcdab)) viol_o[pim_pkg::RULE_CCDAB] = 1'b1;
          if (too_soon(now_q, macab_t_q, NCcds)) viol_o[pim_pkg::RULE_CCDS] = 1'b1;
          for (int g = 0; g < NBg; g++) begin
            if (cmd_mask_i[g] && too_soon(now_q, bg_col_t_q[32*g +: 32], NCcdl)) begin
              viol_o[pim_pkg::RULE_CCDL] = 1'b1;
            end
          end
        end
        // Single-bank ACT rules of the rank.
        if (is_act) begin
          for (int g = 0; g < NBg; g++) begin
            if (g / BankGroups == rank_idx) begin
              if (g == gbg && too_soon(now_q, bg_act_t_q[32*g +: 32], NRrdl)) viol_o[pim_pkg::RULE_RRDL] = 1'b1;
              if (g != gbg && too_soon(now_q, bg_act_t_q[32*g +: 32], NRrds)) viol_o[pim_pkg::RULE_RRDS] = 1'b1;
            end
          end
          if (too_soon(now_q, faw_t_q[32*(4*rank_idx+0) +: 32], NFaw)) viol_o[pim_pkg::RULE_FAW] = 1'b1;
        end
        // Refresh rules.
        for (int r = 0; r < NRanks; r++) begin
          if ((is_actab || ((is_act || is_ref) && r == rank_idx)) &&
              too_soon(now_q, ref_t_q[32*r +: 32], NRfc)) begin
            viol_o[pim_pkg::RULE_RFC] = 1'b1;
          end
          if (refresh_check_i) begin
            if (!is_ref && $signed(owed_q[8*r +: 8]) > Postpone) begin
              viol_o[pim_pkg::RULE_REFI] = 1'b1;
            end
            if (is_ref && r == rank_idx && $signed(owed_q[8*r +: 8]) <= -Postpone) begin
              viol_o[pim_pkg::RULE_REFI] = 1'b1;
            end
          end
        end
        if (is_ref) begin
          for (int b = 0; b < NBanks; b++) begin
            if (b / BanksPerRank == rank_idx) begin
              if (open_q[b]) viol_o[pim_pkg::RULE_REF_OPEN] = 1'b1;
              if (too_soon(now_q, pre_t_q[32*b +: 32], NRp)) viol_o[pim_pkg::RULE_RP] = 1'b1;
            end
          end
        end
      end
    end
  end

  // ---- State -----------------------------------------------------------------------------------
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      now_q       <= 32'd1024;
      open_q      <= '0;
      act_t_q     <= '0;
      pre_t_q     <= '0;
      mac_t_q     <= '0;
      bg_act_t_q  <= '0;
      bg_col_t_q  <= '0;
      faw_t_q     <= '0;
      macab_t_q   <= '0;
      cmd_free_q  <= '0;
      data_free_q <= '0;
      err_q       <= '0;
      sticky_q    <= '0;
      count_q     <= '0;
      ref_t_q     <= '0;
      owed_q      <= '0;
      refi_q      <= '0;
    end else begin
      now_q    <= now_q + 32'd1;
      refi_q   <= refi_wrap ? 32'd0 : refi_q + 32'd1;
      // A rank owes one more REFAB at each interval boundary and one fewer per REFAB.
      for (int r = 0; r < NRanks; r++) begin
        owed_q[8*r +: 8] <= owed_q[8*r +: 8] + ((refi_wrap && refresh_check_i) ? 8'd1 : 8'd0) -
                            ((cmd_valid_i && addr_ok && is_ref && r == rank_idx) ? 8'd1 : 8'd0);
      end
      err_q    <= viol_o;
      sticky_q <= sticky_q | viol_o;
      if (viol_o != '0) count_q <= count_q + 32'd1;
      if (cmd_valid_i && addr_ok) begin
        cmd_free_q <= now_q + (is_row ? 32'(NRow) : 32'd1);
        if (is_data) data_free_q <= now_q + 32'(NBl);
        for (int b = 0; b < NBanks; b++) begin
          if (is_actab || (is_act && b == gbank)) begin
            open_q[b]  <= 1'b1;
            act_t_q[32*b +: 32] <= now_q;
          end
          if ((is_prea || (is_pre && b == gbank)) && open_q[b]) begin
            open_q[b]  <= 1'b0;
            pre_t_q[32*b +: 32] <= now_q;
          end
          if (is_macab && cmd_mask_i[b / Banks]) mac_t_q[32*b +: 32] <= now_q;
        end
        if (is_macab) begin
          macab_t_q <= now_q;
          for (int g = 0; g < NBg; g++) begin
            if (cmd_mask_i[g]) bg_col_t_q[32*g +: 32] <= now_q;
          end
        end
        if (is_ref) ref_t_q[32*rank_idx +: 32] <= now_q;
        if (is_act) begin
          bg_act_t_q[32*gbg +: 32]       <= now_q;
          faw_t_q[32*(4*rank_idx+0) +: 32]  <= faw_t_q[32*(4*rank_idx+1) +: 32];
          faw_t_q[32*(4*rank_idx+1) +: 32]  <= faw_t_q[32*(4*rank_idx+2) +: 32];
          faw_t_q[32*(4*rank_idx+2) +: 32]  <= faw_t_q[32*(4*rank_idx+3) +: 32];
          faw_t_q[32*(4*rank_idx+3) +: 32]  <= now_q;
        end
      end
    end
  end

  assign timing_err_o = err_q;
  assign err_sticky_o = sticky_q;
  assign err_count_o  = count_q;
  assign bank_open_o  = open_q;

endmodule
