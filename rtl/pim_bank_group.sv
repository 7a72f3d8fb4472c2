// pim_bank_group: the Banks banks of one bank group and their reducer (docs/design.md section 3).
//
// The head dimension is the run-time mode cpt_log2_i (pim_bank): a BG-row holds
// Columns >> cpt_log2_i token slots, and the reducer adds only those slots.
// Every bank of the group takes the same MACAB / MVGB / MVSB; WRGB is per bank (wrgb_i[b]:
// chunk col_i of bank b's query share). On an MVSB the group's result leaves in the cycle the
// marker reaches the accumulate stage (res_valid_o, combinational from the banks' accumulators,
// which are cleared at the end of that cycle):
//   dot : res_dot_o slot s  = tree(P0[s] .. P{Banks-1}[s]) over the banks' slot accumulators
//         (heap-ordered tree of pim_pkg::fp32_add: ((P0+P1)+(P2+P3)) for 4 banks; Banks a
//         power of two), for the mode's slots s < Columns >> cpt_log2_i (+0 above)
//   axpy: res_axpy_o        = the banks' MaxColsPerToken x Lanes axpy accumulators side by
//         side, bank 0 in the low bits; bank b's share of the mode's cpt x Lanes dimensions is
//         its first cpt x Lanes words (pim_channel packs the shares into dimension order).
// Latency: see pim_bank (the result is valid 2 + mac_front_lat(Lanes) cycles after the
// MVSB's command cycle).
module pim_bank_group #(
  parameter int Banks           = 4,
  parameter int Lanes           = 16,
  parameter int Columns         = 32,
  parameter int MaxColsPerToken = 4
) (
  input  logic                                   clk_i,
  input  logic                                   rst_ni,
  input  logic                                   fmt_i,
  input  logic [pim_pkg::CPT_LOG2_W-1:0]         cpt_log2_i,
  input  logic                                   mac_i,
  input  logic [Banks-1:0]                       wrgb_i,
  input  logic                                   mvgb_i,
  input  logic                                   mvsb_i,
  input  logic                                   mode_i,
  input  logic [pim_pkg::CMD_COL_W-1:0]          col_i,
  input  logic [Lanes*16-1:0]                    data_i,
  output logic [Banks-1:0]                       col_req_o,
  input  logic [Banks*Lanes*16-1:0]              col_data_i,
  output logic                                   res_valid_o,
  output logic                                   res_mode_o,
  output logic [Columns*32-1:0]                  res_dot_o,
  output logic [Banks*MaxColsPerToken*Lanes*32-1:0] res_axpy_o
);

  localparam int Slots = Columns;  // the most slots of a mode (one column per token)
  localparam int AxpyW = MaxColsPerToken * Lanes * 32;

  if ((Banks & (Banks - 1)) != 0) begin : gen_banks_not_power_of_two
    pim_bank_group_error_banks_must_be_a_power_of_two u_error ();
  end

  logic [Banks-1:0]       snap, snap_mode;
  logic [Banks*Slots*32-1:0] acc_dot;

  for (genvar b = 0; b < Banks; b++) begin : gen_bank
    pim_bank #(
      .Lanes           (Lanes),
      .Columns         (Columns),
      .MaxColsPerToken (MaxColsPerToken)
    ) u_bank (
      .clk_i       (clk_i),
      .rst_ni      (rst_ni),
      .fmt_i       (fmt_i),
      .cpt_log2_i  (cpt_log2_i),
      .mac_i       (mac_i),
      .wrgb_i      (wrgb_i[b]),
      .mvgb_i      (mvgb_i),
      .mvsb_i      (mvsb_i),
      .mode_i      (mode_i),
      .col_i       (col_i),
      .data_i      (data_i),
      .col_req_o   (col_req_o[b]),
      .col_data_i  (col_data_i[Lanes*16*b +: Lanes*16]),
      .snap_o      (snap[b]),
      .snap_mode_o (snap_mode[b]),
      .acc_dot_o   (acc_dot[Slots*32*b +: Slots*32]),
      .acc_axpy_o  (res_axpy_o[AxpyW*b +: AxpyW])
    );
  end

  // Reducer: per slot, a heap-ordered tree over the banks (node n adds nodes 2n+1 and 2n+2;
  // leaves Banks-1 .. 2 Banks-2 are P0 .. P{Banks-1}; node 0 is the score).
  // The adders are enabled only by a dot-mode result (disabled, they output +0; res_dot_o is
  // meaningful only when res_valid_o is high and res_mode_o is dot).
  logic        red_en;
  logic [31:0] mode_slots;  // the slots of a BG-row in the configured mode
  assign red_en     = snap[0] && (snap_mode[0] == pim_pkg::MODE_DOT);
  assign mode_slots = 32'(Slots) >> cpt_log2_i;
  for (genvar s = 0; s < Slots; s++) begin : gen_slot
    logic [Banks*32-1:0]       leaf;  // P0 .. P{Banks-1} of slot s
    logic [(2*Banks-1)*32-1:0] node;
    for (genvar b = 0; b < Banks; b++) begin : gen_leaf
      assign leaf[32*b +: 32] = acc_dot[Slots*32*b + 32*s +: 32];
    end
    // One block per slot, nodes from the leaves up (n = Banks-2 .. 0).
    always @* begin
      node = '0;
      if (red_en && 32'(s) < mode_slots) begin
        node[32*(Banks-1) +: 32*Banks] = leaf;
        for (int n = Banks - 2; n >= 0; n--) begin
          node[32*n +: 32] = pim_pkg::fp32_add(node[32*(2*n+1) +: 32], node[32*(2*n+2) +: 32]);
        end
      end
    end
    assign res_dot_o[32*s +: 32] = node[31:0];
  end

  assign res_valid_o = snap[0];
  assign res_mode_o  = snap_mode[0];

  // The banks of a group see the same MACAB/MVSB stream, so their markers are identical; only
  // bank 0's are used.
  logic unused_snap;
  assign unused_snap = ^{snap[Banks-1:0], snap_mode[Banks-1:0]};

endmodule
