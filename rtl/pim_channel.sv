// pim_channel: one simulated HBM-PIM channel (docs/design.md section 2): the command decoder,
// the timing checker, PseudoChannels x Ranks x BankGroups bank groups of Banks PIM banks with
// Lanes MAC lanes each, the DRAM-array interface, the MVSB result path and a read-back of its
// configuration (cfg_org_o, cfg_timing_o).
//
// Head dimension (docs/design.md section 2): a mode register, columns per token cpt =
// D / (Banks x Lanes), written at initialisation (mr_we_i with mr_cols_per_token_i, like an
// HBM mode-register set: before the first command, all banks idle; a write while commands run
// is outside the contract) and read back on mode_cols_per_token_o. A value that is not a power
// of two within 1 .. MaxColsPerToken leaves the register unchanged (so the read-back shows the
// write was refused). Reset sets MaxColsPerToken. The banks' column -> slot decoding, the
// reducer's slots and the packing of the axpy result follow it; the accumulators and buffers are
// built for every mode (Columns dot accumulators, MaxColsPerToken axpy sets per bank).
//
// Command port: one command per cycle (cmd_valid_i); op encodings pim_pkg::OP_*; fields as in
// host/pim_command.hpp: ACTAB row; ACT pch rank bg bank row; MACAB col mask (bit i = global
// bank group i = (pch*Ranks + rank)*BankGroups + bg) with cmd_mode_i dot/axpy; PREA; PRE pch
// rank bg bank; WRGB bank col data (chunk col of bank `bank`'s query share, every group);
// MVGB pch rank bg col data (slot scalars col*Lanes.. of that group); MVSB pch rank bg mode;
// REFAB pch rank (all-bank refresh of that rank: the banks' cells need no model here, the
// checker enforces its rules; refresh_check_i enables its nREFI schedule check, a mode bit set
// at initialisation: low for `--refresh off`).
// Commands with an address error (timing checker rule RULE_ADDRESS) are not executed.
//
// DRAM array (the C++ model in sim/ holds the cells): act_o[b] pulses in cycle t+1 for every
// bank opened by an ACT/ACTAB in cycle t, act_row_o holds the row; the model latches the row
// of each bank. col_req_o[b] is high in cycle t+1 for every bank of a MACAB in cycle t,
// col_req_col_o holds the column, and the model drives that bank's column (Lanes x 16 bits,
// lane i at bits 16i) on col_data_i[Banks-group-major, Lanes*16*b +: Lanes*16] in cycle t+1.
//
// Results: an MVSB in cycle t gives res_valid_o in cycle t + 3 + mac_front_lat(Lanes), with
// the global bank group, the mode and res_data_o: dot, the Slots scores in words 0..Slots-1
// (rest zero) with Slots = Columns / cpt; axpy, the group's partial context vector
// (Banks*cpt*Lanes = D words in dimension order, rest zero). Timing errors: see pim_timing_checker (timing_err_o, sticky mask, counter).
module pim_channel #(
  parameter int PseudoChannels = 2,
  parameter int Ranks          = 2,
  parameter int BankGroups     = 4,
  parameter int Banks          = 4,
  parameter int Lanes          = 16,
  parameter int Columns        = 32,
  parameter int Rows           = 16384,
  parameter int MaxColsPerToken = 4,  // the largest D / (Banks x Lanes) the channel serves
  // The 15 timing values of the checker, packed by pim_pkg::timing_pack.
  parameter logic [pim_pkg::TIMING_W-1:0] Timing = pim_pkg::TIMING_HBM3
) (
  input  logic                                      clk_i,
  input  logic                                      rst_ni,
  input  logic                                      fmt_i,
  input  logic                                      refresh_check_i,
  // Head-dimension mode register write (initialisation).
  input  logic                                      mr_we_i,
  input  logic [7:0]                                mr_cols_per_token_i,
  // Command decoder input.
  input  logic                                      cmd_valid_i,
  input  logic [3:0]                                cmd_op_i,
  input  logic [pim_pkg::CMD_ADDR_W-1:0]            cmd_pch_i,
  input  logic [pim_pkg::CMD_ADDR_W-1:0]            cmd_rank_i,
  input  logic [pim_pkg::CMD_ADDR_W-1:0]            cmd_bg_i,
  input  logic [pim_pkg::CMD_ADDR_W-1:0]            cmd_bank_i,
  input  logic [pim_pkg::CMD_ROW_W-1:0]             cmd_row_i,
  input  logic [pim_pkg::CMD_COL_W-1:0]             cmd_col_i,
  input  logic [PseudoChannels*Ranks*BankGroups-1:0] cmd_mask_i,
  input  logic                                      cmd_mode_i,
  input  logic [Lanes*16-1:0]                       cmd_data_i,
  // DRAM array interface.
  output logic [PseudoChannels*Ranks*BankGroups*Banks-1:0] act_o,
  output logic [pim_pkg::CMD_ROW_W-1:0]             act_row_o,
  output logic [PseudoChannels*Ranks*BankGroups*Banks-1:0] col_req_o,
  output logic [pim_pkg::CMD_COL_W-1:0]             col_req_col_o,
  input  logic [PseudoChannels*Ranks*BankGroups*Banks*Lanes*16-1:0] col_data_i,
  // MVSB results.
  output logic                                      res_valid_o,
  output logic [7:0]                                res_gbg_o,
  output logic                                      res_mode_o,
  output logic [Banks*MaxColsPerToken*Lanes*32-1:0] res_data_o,
  // Timing checker.
  output logic [pim_pkg::NUM_RULES-1:0]             timing_err_o,
  output logic [pim_pkg::NUM_RULES-1:0]             timing_err_sticky_o,
  output logic [31:0]                               timing_err_count_o,
  // Configuration read-back (constants): the organisation parameters (pim_pkg::ORG_*) and
  // Timing, so that the C++ harness can check the organisation and timing it assumes
  // (ORG_COLS_PER_TOKEN is MaxColsPerToken); the head-dimension mode register.
  output logic [pim_pkg::ORG_W-1:0]                 cfg_org_o,
  output logic [pim_pkg::TIMING_W-1:0]              cfg_timing_o,
  output logic [7:0]                                mode_cols_per_token_o
);

  localparam int NBg      = PseudoChannels * Ranks * BankGroups;
  localparam int NBanks   = NBg * Banks;
  localparam int Slots    = Columns;  // dot result words at one column per token
  localparam int AxpyWords = MaxColsPerToken * Lanes;  // one bank's axpy accumulators
  localparam int ResWords = Banks * AxpyWords;
  localparam int ColW     = Lanes * 16;
  localparam int MaxLog   = $clog2(MaxColsPerToken);
  localparam int LanesLog = $clog2(Lanes);

  if (Slots > ResWords || NBg > 256 || (MaxColsPerToken & (MaxColsPerToken - 1)) != 0 ||
      MaxLog >= (1 << pim_pkg::CPT_LOG2_W) || MaxColsPerToken > 128) begin : gen_bad_org
    pim_channel_error_unsupported_organisation u_error ();
  end

  // ---- Head-dimension mode register --------------------------------------------------------------
  logic [pim_pkg::CPT_LOG2_W-1:0] cpt_log2_q, mr_log2;
  logic                           mr_ok;
  always_comb begin
    mr_ok   = 1'b0;
    mr_log2 = '0;
    for (int k = 0; k <= MaxLog; k++) begin
      if (32'(mr_cols_per_token_i) == (32'd1 << k)) begin
        mr_ok   = 1'b1;
        mr_log2 = pim_pkg::CPT_LOG2_W'(k);
      end
    end
  end
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      cpt_log2_q <= pim_pkg::CPT_LOG2_W'(MaxLog);
    end else if (mr_we_i && mr_ok) begin
      cpt_log2_q <= mr_log2;
    end
  end
  assign mode_cols_per_token_o = 8'(32'd1 << cpt_log2_q);

  // ---- Timing checker --------------------------------------------------------------------------
  logic [pim_pkg::NUM_RULES-1:0] viol;
  logic [NBanks-1:0]             bank_open;

  pim_timing_checker #(
    .PseudoChannels (PseudoChannels), .Ranks (Ranks), .BankGroups (BankGroups), .Banks (Banks),
    .Rows (Rows), .Columns (Columns), .Timing (Timing)
  ) u_checker (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .refresh_check_i (refresh_check_i),
    .cmd_valid_i  (cmd_valid_i),
    .cmd_op_i     (cmd_op_i),
    .cmd_pch_i    (cmd_pch_i),
    .cmd_rank_i   (cmd_rank_i),
    .cmd_bg_i     (cmd_bg_i),
    .cmd_bank_i   (cmd_bank_i),
    .cmd_row_i    (cmd_row_i),
    .cmd_col_i    (cmd_col_i),
    .cmd_mask_i   (cmd_mask_i),
    .viol_o       (viol),
    .timing_err_o (timing_err_o),
    .err_sticky_o (timing_err_sticky_o),
    .err_count_o  (timing_err_count_o),
    .bank_open_o  (bank_open)
  );

  // ---- Decoder ---------------------------------------------------------------------------------
  logic        exec;  // a valid command with a valid address
  logic [31:0] cmd_gbg, cmd_gbank;
  logic [NBanks-1:0] act_d;
  logic [NBg-1:0]    bg_mac, bg_mvgb, bg_mvsb;
  logic [Banks-1:0]  bank_wrgb;

  assign exec      = cmd_valid_i && !viol[pim_pkg::RULE_ADDRESS];
  assign cmd_gbg   = (32'(cmd_pch_i) * Ranks + 32'(cmd_rank_i)) * BankGroups + 32'(cmd_bg_i);
  assign cmd_gbank = cmd_gbg * Banks + 32'(cmd_bank_i);
  for (genvar b = 0; b < NBanks; b++) begin : gen_act_dec
    assign act_d[b] = exec && (cmd_op_i == pim_pkg::OP_ACTAB ||
                               (cmd_op_i == pim_pkg::OP_ACT && cmd_gbank == 32'(b)));
  end
  for (genvar g = 0; g < NBg; g++) begin : gen_group_dec
    assign bg_mac[g]  = exec && cmd_op_i == pim_pkg::OP_MACAB && cmd_mask_i[g];
    assign bg_mvgb[g] = exec && cmd_op_i == pim_pkg::OP_MVGB && cmd_gbg == 32'(g);
    assign bg_mvsb[g] = exec && cmd_op_i == pim_pkg::OP_MVSB && cmd_gbg == 32'(g);
  end
  for (genvar k = 0; k < Banks; k++) begin : gen_wrgb_dec
    assign bank_wrgb[k] = exec && cmd_op_i == pim_pkg::OP_WRGB && 32'(cmd_bank_i) == 32'(k);
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      act_o         <= '0;
      act_row_o     <= '0;
      col_req_col_o <= '0;
    end else begin
      act_o <= act_d;
      if (act_d != '0) act_row_o <= cmd_row_i;
      if (exec && cmd_op_i == pim_pkg::OP_MACAB) col_req_col_o <= cmd_col_i;
    end
  end

  // ---- Bank groups -------------------------------------------------------------------------------
  logic [NBg-1:0]            grp_valid, grp_mode;
  logic [NBg*Slots*32-1:0]    grp_dot;
  logic [NBg*ResWords*32-1:0] grp_axpy;

  for (genvar g = 0; g < NBg; g++) begin : gen_group
    pim_bank_group #(
      .Banks        (Banks),
      .Lanes           (Lanes),
      .Columns         (Columns),
      .MaxColsPerToken (MaxColsPerToken)
    ) u_group (
      .clk_i       (clk_i),
      .rst_ni      (rst_ni),
      .fmt_i       (fmt_i),
      .cpt_log2_i  (cpt_log2_q),
      .mac_i       (bg_mac[g]),
      .wrgb_i      (bank_wrgb),
      .mvgb_i      (bg_mvgb[g]),
      .mvsb_i      (bg_mvsb[g]),
      .mode_i      (cmd_mode_i),
      .col_i       (cmd_col_i),
      .data_i      (cmd_data_i),
      .col_req_o   (col_req_o[Banks*g +: Banks]),
      .col_data_i  (col_data_i[ColW*Banks*g +: ColW*Banks]),
      .res_valid_o (grp_valid[g]),
      .res_mode_o  (grp_mode[g]),
      .res_dot_o   (grp_dot[Slots*32*g +: Slots*32]),
      .res_axpy_o  (grp_axpy[ResWords*32*g +: ResWords*32])
    );
  end

  // ---- Result path: the group whose MVSB reached its accumulate stage (at most one per cycle,
  // since commands are one per cycle and every group has the same latency). An axpy result packs
  // the banks' shares of the mode (cpt x Lanes words each, the first of each bank's MaxColsPerToken
  // x Lanes accumulators) into dimension order: word w comes from bank w >> (LanesLog + cpt_log2),
  // word w & (cpt x Lanes - 1) of its accumulators. ------------------------------------------------
  logic                  res_valid_q, res_mode_q;
  logic [7:0]            res_gbg_q;
  logic [ResWords*32-1:0] res_data_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      res_valid_q <= 1'b0;
      res_mode_q  <= 1'b0;
      res_gbg_q   <= '0;
      res_data_q  <= '0;
    end else begin
      res_valid_q <= |grp_valid;
      for (int g = 0; g < NBg; g++) begin
        if (grp_valid[g]) begin
          res_gbg_q  <= 8'(g);
          res_mode_q <= grp_mode[g];
          if (grp_mode[g] == pim_pkg::MODE_AXPY) begin
            res_data_q <= '0;
            for (int w = 0; w < ResWords; w++) begin
              if ((w >> (LanesLog + 32'(cpt_log2_q))) < Banks) begin
                res_data_q[32*w +: 32] <= grp_axpy[ResWords*32*g + 32*(
                    (w >> (LanesLog + 32'(cpt_log2_q))) * AxpyWords +
                    (w & ((Lanes << cpt_log2_q) - 1))) +: 32];
              end
            end
          end else begin
            res_data_q                <= '0;
            res_data_q[Slots*32-1:0] <= grp_dot[Slots*32*g +: Slots*32];
          end
        end
      end
    end
  end

  assign res_valid_o = res_valid_q;
  assign res_mode_o  = res_mode_q;
  assign res_gbg_o   = res_gbg_q;
  assign res_data_o  = res_data_q;

  assign cfg_org_o = {32'(MaxColsPerToken), 32'(Rows), 32'(Columns), 32'(Lanes), 32'(Banks),
                      32'(BankGroups), 32'(Ranks), 32'(PseudoChannels)};
  assign cfg_timing_o = Timing;

  logic unused_open;
  assign unused_open = ^bank_open;

endmodule
