// Icarus Verilog testbench of centroid_match (issue 15, `make xsim`, scripts/xsim.sh): reads the
// selection vector file of tests/xsim_vectors.cpp gen-cmatch (`select BUDGET COUNT`, then COUNT
// lines `ID SCORE SIZE`, all hex; # lines skipped) and drives the MaxSel 16 / MaxClusters 256
// build (the Verilated starc_cmatch_s16) as sim/centroid_match_harness.cpp select() does with no
// lead and no gaps, as select() (a `select` line) or in passes as select_passes() (`passes`): reset for two clocks and one idle clock;
// per pass start_i with the budget in the first entries' cycle, InWidth entries per cycle in
// lanes 0.. (in_last_i with the last), idle cycles until done_o; the next pass or selection starts in the done cycle;
// while a pass ends with s_limit_o the next one replays the entries with resume_i and the
// budget not yet taken. Writes per pass `BUDGET_MET S_LIMIT ID:TAKE ...` (%05x:%02x) to
// +out=FILE, the format of xsim_vectors run-cmatch.
// Idle inputs are zeros where the Verilator harness drives random values (ignored by the unit).
`timescale 1ns / 1ps
module tb_centroid_match;
  localparam int MaxSel = 16;
  localparam int MaxClusters = 256;
  localparam int W = pim_pkg::CM_IN_WIDTH;

  logic clk = 1'b0, rst_n = 1'b1;
  logic start = 1'b0, resume = 1'b0, in_last = 1'b0;
  logic [W-1:0] in_valid = '0;
  logic [pim_pkg::CM_BUDGET_W-1:0] budget = '0;
  logic [W*pim_pkg::CM_ID_W-1:0] in_id = '0;
  logic [W*pim_pkg::CM_SCORE_W-1:0] in_score = '0;
  logic [W*pim_pkg::CM_SIZE_W-1:0] in_size = '0;
  logic ready, out_valid, out_last, done, budget_met, s_limit;
  logic [pim_pkg::CM_ID_W-1:0] out_id;
  logic [pim_pkg::CM_SIZE_W-1:0] out_take;

  centroid_match #(.MaxClusters(MaxClusters), .MaxSel(MaxSel), .InWidth(W)) dut (
    .clk_i(clk), .rst_ni(rst_n), .start_i(start), .budget_i(budget), .resume_i(resume),
    .ready_o(ready), .in_valid_i(in_valid), .in_last_i(in_last), .in_id_i(in_id),
    .in_score_i(in_score), .in_size_i(in_size), .out_valid_o(out_valid), .out_last_o(out_last),
    .out_id_o(out_id), .out_take_o(out_take), .done_o(done), .budget_met_o(budget_met),
    .s_limit_o(s_limit));

  integer fin, fout, n, k, j, count, sels, cycles, line_no;
  logic [31:0] v_budget, v_count, v_id, v_score, v_size;
  string path, out_path, word, picks;
  reg [8*256-1:0] line;  // $fgets needs a reg on Icarus 11
  logic have_line;
  logic got_done, got_slim;
  logic [31:0] e_id [0:MaxClusters-1];
  logic [31:0] e_score [0:MaxClusters-1];
  logic [31:0] e_size [0:MaxClusters-1];
  integer remaining, taken, first_pass;
  logic multi;

  // One clock: rising edge, then the outputs of the new cycle are sampled; falling edge.
  task automatic tick;
    #5 clk = 1'b1;
    #1;
    if (out_valid) begin
      picks = {picks, $sformatf(" %05x:%02x", out_id, out_take)};
      taken = taken + out_take;
    end
    if (done) begin
      got_done = 1'b1;
      got_slim = s_limit;
      $fwrite(fout, "%0d %0d%s\n", budget_met, s_limit, picks);
    end
    #4 clk = 1'b0;
  endtask

  task automatic idle;
    start = 1'b0;
    resume = 1'b0;
    in_valid = '0;
    in_last = 1'b0;
    budget = '0;
    in_id = '0;
    in_score = '0;
    in_size = '0;
  endtask

  // The next non-comment line of the file into `line` (have_line low at the end).
  task automatic next_line;
    word = "#";
    while (!$feof(fin) && word.substr(0, 0) == "#") begin
      line = 0;
      n = $fgets(line, fin);
      line_no = line_no + 1;
      word = "";
      if (n > 0) n = $sscanf(line, "%s", word);
      if (n <= 0) word = "#";  // blank: skip
    end
    have_line = word.substr(0, 0) != "#";
  endtask

  initial begin
    if (!$value$plusargs("vectors=%s", path)) $fatal(1, "tb_centroid_match: +vectors=FILE missing");
    if (!$value$plusargs("out=%s", out_path)) $fatal(1, "tb_centroid_match: +out=FILE missing");
    fin = $fopen(path, "r");
    if (fin == 0) $fatal(1, "tb_centroid_match: cannot open %s", path);
    fout = $fopen(out_path, "w");
    if (fout == 0) $fatal(1, "tb_centroid_match: cannot write %s", out_path);
    sels = 0;
    line_no = 0;
    picks = "";
    idle;
    #1 rst_n = 1'b0;
    tick;
    tick;
    rst_n = 1'b1;
    tick;
    next_line;
    while (have_line) begin
      n = $sscanf(line, "%s %h %h", word, v_budget, v_count);
      if (n != 3 || (word != "select" && word != "passes"))
        $fatal(1, "%s:%0d: expected `select|passes BUDGET COUNT`", path, line_no);
      multi = (word == "passes");
      count = v_count;
      if (count < 1 || count > MaxClusters) $fatal(1, "%s:%0d: %0d entries", path, line_no, count);
      for (k = 0; k < count; k = k + 1) begin
        next_line;
        n = $sscanf(line, "%h %h %h", v_id, v_score, v_size);
        if (n != 3) $fatal(1, "%s:%0d: expected `ID SCORE SIZE`", path, line_no);
        e_id[k] = v_id;
        e_score[k] = v_score;
        e_size[k] = v_size;
      end
      // `passes`: while a pass ends with s_limit_o, the next starts in its done cycle with
      // resume_i, the budget not yet taken and the same entries (select_passes in the harness);
      // `select`: one pass (select), the next selection starting afresh even after s_limit_o.
      remaining = v_budget;
      first_pass = 1;
      got_slim = 1'b1;
      while (got_slim) begin
        if (!ready) $fatal(1, "%s:%0d: ready_o low before start", path, line_no);
        picks = "";
        taken = 0;
        got_done = 1'b0;
        got_slim = 1'b0;
        for (k = 0; k < count; k = k + W) begin
          idle;
          start = (k == 0);
          budget = (k == 0) ? remaining[pim_pkg::CM_BUDGET_W-1:0] : '0;
          resume = (k == 0) && !first_pass;
          in_last = (k + W >= count);
          for (j = 0; j < W; j = j + 1) begin
            if (k + j < count) begin
              in_valid[j] = 1'b1;
              in_id[j*pim_pkg::CM_ID_W +: pim_pkg::CM_ID_W] = e_id[k+j][pim_pkg::CM_ID_W-1:0];
              in_score[j*pim_pkg::CM_SCORE_W +: pim_pkg::CM_SCORE_W] = e_score[k+j];
              in_size[j*pim_pkg::CM_SIZE_W +: pim_pkg::CM_SIZE_W] = e_size[k+j][pim_pkg::CM_SIZE_W-1:0];
            end
          end
          tick;
        end
        idle;
        cycles = 0;
        while (!got_done) begin
          if (cycles > MaxSel + 16) $fatal(1, "%s:%0d: no done_o", path, line_no);
          tick;
          cycles = cycles + 1;
        end
        if (got_slim && (taken == 0 || taken >= remaining))
          $fatal(1, "%s:%0d: s_limit_o after an empty or budget-meeting pass", path, line_no);
        remaining = remaining - taken;
        first_pass = 0;
        if (!multi) got_slim = 1'b0;  // `select`: one pass whatever it ends with
      end
      sels = sels + 1;
      next_line;
    end
    $fclose(fout);
    $display("tb_centroid_match: %0d selections", sels);
    $finish;
  end
endmodule
