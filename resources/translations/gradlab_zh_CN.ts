<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>ChainRulePanel</name>
    <message>
        <source>The sample&apos;s number in the dataset (1 = the first)</source>
        <extracomment>The table shows at most this many batch rows, then a &quot;…&quot; row. (header, tooltip) per column; the header&apos;s second line says which factor of the chain it is.</extracomment>
        <translation>样本在数据集中的序号（1 表示第一个）</translation>
    </message>
    <message>
        <source>The target</source>
        <translation>目标值</translation>
    </message>
    <message>
        <source>The prediction w·xᵢ + b at the current w and b</source>
        <translation>当前 w、b 下的预测值 w·xᵢ + b</translation>
    </message>
    <message>
        <source>The residual</source>
        <translation>残差</translation>
    </message>
    <message>
        <source>This sample&apos;s loss</source>
        <translation>这个样本的损失</translation>
    </message>
    <message>
        <source>How this sample&apos;s loss changes with its prediction</source>
        <translation>这个样本的损失随其预测值的变化率</translation>
    </message>
    <message>
        <source>How much this sample&apos;s loss counts in L: the reduction decides</source>
        <translation>这个样本的损失在 L 中占多大分量：由归约方式决定</translation>
    </message>
    <message>
        <source>How the prediction changes with w: the input xᵢ</source>
        <translation>预测值随 w 的变化率：就是输入 xᵢ</translation>
    </message>
    <message>
        <source>How the prediction changes with b: always 1</source>
        <translation>预测值随 b 的变化率：恒为 1</translation>
    </message>
    <message>
        <source>This sample&apos;s share of ∂L/∂w</source>
        <translation>这个样本对 ∂L/∂w 的贡献</translation>
    </message>
    <message>
        <source>This sample&apos;s share of ∂L/∂b</source>
        <translation>这个样本对 ∂L/∂b 的贡献</translation>
    </message>
    <message>
        <source>lᵢ = ½(ŷᵢ − yᵢ)² if |ŷᵢ − yᵢ| &lt; 1, else |ŷᵢ − yᵢ| − ½</source>
        <translation>|ŷᵢ − yᵢ| &lt; 1 时 lᵢ = ½(ŷᵢ − yᵢ)²，否则 lᵢ = |ŷᵢ − yᵢ| − ½</translation>
    </message>
    <message>
        <source>plain SGD</source>
        <translation>普通 SGD</translation>
    </message>
    <message>
        <source>SGD with momentum</source>
        <translation>带动量的 SGD</translation>
    </message>
    <message>
        <source>Adam</source>
        <translation>Adam</translation>
    </message>
    <message>
        <source>&lt;b&gt;Note on the article:&lt;/b&gt; its text gives the first w as &lt;b&gt;−0.3&lt;/b&gt;. That is a sign slip: the first gradient is ∂L/∂w = −30, so w ← 0 − 0.01·(−30) = &lt;b&gt;+0.3&lt;/b&gt;, and PyTorch prints 0.3.</source>
        <translation>&lt;b&gt;关于原文：&lt;/b&gt;原文写道“第一次得到的 w 的结果为 &lt;b&gt;−0.3&lt;/b&gt;”，这是一处符号错误：第一次的梯度是 ∂L/∂w = −30，所以 w ← 0 − 0.01·(−30) = &lt;b&gt;+0.3&lt;/b&gt;，PyTorch 打印出的也是 0.3。</translation>
    </message>
    <message>
        <source>by hand (Σ of the column)</source>
        <translation>手算（这一列求和 Σ）</translation>
    </message>
    <message>
        <source>autograd (backward())</source>
        <translation>自动求导（backward()）</translation>
    </message>
    <message>
        <source>within {tolerance}?</source>
        <translation>相差在 {tolerance} 以内？</translation>
    </message>
    <message>
        <source>Chain rule for the next step: {setup} · at w = {w}, b = {b}</source>
        <translation>下一步的链式法则：{setup} · 在 w = {w}，b = {b} 处</translation>
    </message>
    <message>
        <source>Chain rule for step {step}: {setup} · at w = {w}, b = {b}</source>
        <translation>第 {step} 步的链式法则：{setup} · 在 w = {w}，b = {b} 处</translation>
    </message>
    <message>
        <source>&lt;b&gt;No scalar L to differentiate.&lt;/b&gt; PyTorch: RuntimeError: {error}</source>
        <translation>&lt;b&gt;没有可以求导的标量 L。&lt;/b&gt;PyTorch 报错：RuntimeError: {error}</translation>
    </message>
    <message>
        <source>no reduction: the loss stays a vector of shape ({B},)</source>
        <translation>不归约：损失仍是形状为 ({B},) 的向量</translation>
    </message>
    <message>
        <source>{more} more rows: their products are in the sums</source>
        <translation>还有 {more} 行：它们的乘积已计入求和</translation>
    </message>
    <message>
        <source>✓ agree</source>
        <translation>✓ 一致</translation>
    </message>
    <message>
        <source>✗ differ</source>
        <translation>✗ 不一致</translation>
    </message>
    <message>
        <source>Update (plain SGD):</source>
        <translation>参数更新（普通 SGD）：</translation>
    </message>
    <message>
        <source>Update: this run uses &lt;b&gt;{optimizer}&lt;/b&gt;, so the step is {optimizer}&apos;s own rule applied to this gradient, not plain lr·g. Plain SGD would give:</source>
        <translation>参数更新：这次训练用的是 &lt;b&gt;{optimizer}&lt;/b&gt;，这一步按 {optimizer} 自己的规则使用这个梯度，而不是简单地走 lr·g。普通 SGD 会得到：</translation>
    </message>
</context>
<context>
    <name>CodeDialog</name>
    <message>
        <source>The same run in plain PyTorch</source>
        <translation>同一次训练的纯 PyTorch 代码</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy the script to the clipboard, to paste into a .py file</source>
        <translation>把脚本复制到剪贴板，可粘贴进一个 .py 文件</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>保存…</translation>
    </message>
    <message>
        <source>Run it with: python script.py</source>
        <translation>运行方法：python script.py</translation>
    </message>
    <message>
        <source>Save the script</source>
        <translation>保存脚本</translation>
    </message>
    <message>
        <source>Could not save {path}: {reason}</source>
        <translation>无法保存 {path}：{reason}</translation>
    </message>
</context>
<context>
    <name>FitPanel</name>
    <message>
        <source>data</source>
        <extracomment>Points can be edited by hand while every one of them is drawn (and the data is small). Residual colour bins, as fractions of the largest loss shown.</extracomment>
        <translation>数据</translation>
    </message>
    <message>
        <source>minibatch</source>
        <translation>小批量</translation>
    </message>
    <message>
        <source>line the loss is measured at</source>
        <translation>计算损失所用的直线</translation>
    </message>
    <message>
        <source>line after the step</source>
        <translation>这一步之后的直线</translation>
    </message>
    <message>
        <source>Fit after step {step}: {line}</source>
        <translation>第 {step} 步之后的拟合：{line}</translation>
    </message>
    <message>
        <source>Fit at step {step}: {line}</source>
        <translation>第 {step} 步时的拟合：{line}</translation>
    </message>
    <message>
        <source>{shown} of {n} points shown</source>
        <translation>显示了 {n} 个点中的 {shown} 个</translation>
    </message>
</context>
<context>
    <name>GradientPanel</name>
    <message>
        <source>share of ∂L/∂{p}</source>
        <translation>对 ∂L/∂{p} 的贡献</translation>
    </message>
    <message>
        <source>= Σ of the shares</source>
        <translation>= 各样本贡献之和 Σ</translation>
    </message>
    <message>
        <source>sample (each bar: a group of {group})</source>
        <translation>样本（每根柱子是 {group} 个样本一组）</translation>
    </message>
    <message>
        <source>sample (outside the batch: no share)</source>
        <translation>样本（批次之外的样本没有贡献）</translation>
    </message>
    <message>
        <source>sample</source>
        <translation>样本</translation>
    </message>
</context>
<context>
    <name>GraphPanel</name>
    <message>
        <source>per-sample loss l</source>
        <extracomment>The graph is fitted to the view, but never blown up beyond this (a 3-node graph on a big screen would otherwise fill it with giant boxes). The words among the core&apos;s node labels (the rest are formulas: &quot;ŷ = w·x + b&quot;, &quot;L = mean(l)&quot;).</extracomment>
        <translation>逐样本损失 l</translation>
    </message>
    <message>
        <source>leaf</source>
        <translation>叶子节点</translation>
    </message>
    <message>
        <source>backward() walks this graph from the loss to w and b</source>
        <translation>backward() 沿着这张图从损失一路走到 w 和 b</translation>
    </message>
    <message>
        <source>Autograd graph</source>
        <translation>自动求导计算图</translation>
    </message>
    <message>
        <source>{label}   shape {shape}</source>
        <translation>{label}   形状 {shape}</translation>
    </message>
    <message>
        <source>The loss has shape {shape}: backward() needs shape (), a single number. Reduce it first (mean or sum), or pass gradient=v.</source>
        <translation>损失的形状是 {shape}：backward() 需要形状为 () 的单个数。请先归约（mean 或 sum），或者传入 gradient=v。</translation>
    </message>
    <message>
        <source>The loss in the graph has shape {shape}: the weights v enter as loss.backward(gradient=v), which starts backward from ∂L/∂l = v.</source>
        <translation>图中损失的形状是 {shape}：权重 v 通过 loss.backward(gradient=v) 传入，反向传播从 ∂L/∂l = v 开始。</translation>
    </message>
</context>
<context>
    <name>HistoryPanel</name>
    <message>
        <source>loss</source>
        <extracomment>Log scale cannot show 0: losses below this are drawn at this value. Curves longer than this are drawn with thin pens. Curves up to this long also get a dot per step.</extracomment>
        <translation>损失</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>History (loss on a log scale)</source>
        <translation>训练历史（损失为对数刻度）</translation>
    </message>
</context>
<context>
    <name>LandscapePanel</name>
    <message>
        <source>Loss landscape L(w, b): {what} (log colours)</source>
        <extracomment>Colours span at most this many decades below the grid&apos;s largest loss (the rest is clipped). Contour lines: this many log-spaced levels between the grid&apos;s smallest and largest loss. Longer paths are thinned to about this many points (the last point is always kept). Path points and arrow tips are clipped to the grid box grown by this factor each way, so a diverging run never hands Qt astronomically large coordinates. Margin around the path when asking for a new range (as in ``default_range``). A step shorter than this (screen pixels) gets its arrow head here, outside the marker. Paths up to this many points also get a dot per step (the step sizes show). Path and markers are drawn on the heat map, so they use fixed colours that read on viridis.</extracomment>
        <translation>损失曲面 L(w, b)：{what}（颜色按对数刻度）</translation>
    </message>
    <message>
        <source>Loss landscape L(w, b) (log colours)</source>
        <translation>损失曲面 L(w, b)（颜色按对数刻度）</translation>
    </message>
    <message>
        <source>approximate: {n} samples evaluated</source>
        <translation>近似值：只计算了 {n} 个样本</translation>
    </message>
    <message>
        <source>exact over {n} samples</source>
        <translation>在全部 {n} 个样本上精确计算</translation>
    </message>
    <message>
        <source>path of (w, b)</source>
        <translation>(w, b) 的轨迹</translation>
    </message>
    <message>
        <source>arrow: −lr·∇L</source>
        <translation>箭头：−lr·∇L</translation>
    </message>
    <message>
        <source>click to start there</source>
        <translation>单击可从该点重新开始</translation>
    </message>
    <message>
        <source>mean (none has no scalar L)</source>
        <translation>mean（none 没有标量 L）</translation>
    </message>
</context>
<context>
    <name>LossPanel</name>
    <message>
        <source>sample</source>
        <extracomment>The reduced line is kept on the scale only if it is at most this many times the tallest bar.</extracomment>
        <translation>样本</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>↑ above the plot</source>
        <translation>↑ 超出图的上方</translation>
    </message>
    <message>
        <source>{n} samples in groups of {group}: mean loss per group</source>
        <translation>{n} 个样本，每 {group} 个一组：显示每组的平均损失</translation>
    </message>
    <message>
        <source>batch: {batch} of {n}</source>
        <translation>批次：{n} 个中的 {batch} 个</translation>
    </message>
    <message>
        <source>values beyond ±1e15 are clipped</source>
        <translation>超出 ±1e15 的值已截断</translation>
    </message>
    <message>
        <source>Loss per sample ({loss}) → {reduction}</source>
        <translation>每个样本的损失（{loss}）→ {reduction}</translation>
    </message>
</context>
<context>
    <name>ReductionPanel</name>
    <message>
        <source>No reduction: one loss per sample. backward() needs a single number and refuses.</source>
        <extracomment>The weighted column lists at most this many samples&apos; weights, then &quot;…&quot;. The none column prints at most this many per-sample losses of the vector, then &quot;…&quot;.</extracomment>
        <translation>不归约：每个样本一个损失。backward() 需要单个数，因此拒绝执行。</translation>
    </message>
    <message>
        <source>Every sample counts 1/B: the gradient does not grow with the batch size.</source>
        <translation>每个样本的权重是 1/B：梯度不会随批大小变大。</translation>
    </message>
    <message>
        <source>Every sample counts 1: the gradient is B times the mean&apos;s, so is the step.</source>
        <translation>每个样本的权重是 1：梯度是 mean 的 B 倍，步长也是。</translation>
    </message>
    <message>
        <source>Each sample counts its own vᵢ: L = Σ vᵢ·lᵢ, exactly loss.backward(gradient=v).</source>
        <translation>每个样本按各自的 vᵢ 计：L = Σ vᵢ·lᵢ，正是 loss.backward(gradient=v)。</translation>
    </message>
    <message>
        <source>none</source>
        <extracomment>Column titles: PyTorch&apos;s name of the reduction (a translation may add a word after it).</extracomment>
        <translation>none 不归约</translation>
    </message>
    <message>
        <source>mean</source>
        <translation>mean 平均</translation>
    </message>
    <message>
        <source>sum</source>
        <translation>sum 求和</translation>
    </message>
    <message>
        <source>weighted</source>
        <translation>weighted 加权</translation>
    </message>
    <message>
        <source>use {reduction}</source>
        <translation>使用 {reduction}</translation>
    </message>
    <message>
        <source>How far one plain SGD step with this lr moves w and b: −lr·∂L/∂w</source>
        <translation>用这个 lr 走一步普通 SGD 时 w 和 b 移动的距离：−lr·∂L/∂w</translation>
    </message>
    <message>
        <source>Train with reduction &apos;{reduction}&apos; (the same as choosing it in the controls)</source>
        <translation>用归约方式 &apos;{reduction}&apos; 训练（与在控制面板中选择它相同）</translation>
    </message>
    <message>
        <source>Run loss.backward() on the per-sample loss vector, as PyTorch would</source>
        <extracomment>the user pressed &quot;backward()&quot; on the none column (the window may have PyTorch run it) the user picked a reduction here: &quot;none&quot;, &quot;mean&quot;, &quot;sum&quot; or &quot;weighted&quot; the user typed new weights: one per batch sample, in batch order</extracomment>
        <translation>像 PyTorch 那样，对逐样本损失向量执行 loss.backward()</translation>
    </message>
    <message>
        <source>&lt;b&gt;weighted&lt;/b&gt;: type each sample&apos;s weight vᵢ</source>
        <translation>&lt;b&gt;weighted 加权&lt;/b&gt;：输入每个样本的权重 vᵢ</translation>
    </message>
    <message>
        <source>all 1/B</source>
        <translation>全部设为 1/B</translation>
    </message>
    <message>
        <source>vᵢ = 1/B: the weighted sum becomes the mean</source>
        <translation>vᵢ = 1/B：加权和就变成平均</translation>
    </message>
    <message>
        <source>all 1</source>
        <translation>全部设为 1</translation>
    </message>
    <message>
        <source>vᵢ = 1: the weighted sum becomes the sum</source>
        <translation>vᵢ = 1：加权和就变成求和</translation>
    </message>
    <message>
        <source>B = {B} per-sample losses → one number for backward()  (lr = {lr})</source>
        <translation>B = {B} 个逐样本损失 → 给 backward() 的一个数  （lr = {lr}）</translation>
    </message>
    <message>
        <source>shape ({B},)</source>
        <translation>形状 ({B},)</translation>
    </message>
    <message>
        <source>{B} numbers, not one</source>
        <translation>{B} 个数，不是一个</translation>
    </message>
    <message>
        <source>&lt;b&gt;loss.backward() on shape ({B},) → RuntimeError: {error}&lt;/b&gt;</source>
        <translation>&lt;b&gt;对形状 ({B},) 执行 loss.backward() → RuntimeError: {error}&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;loss.backward() ran: waiting for PyTorch&apos;s answer…&lt;/b&gt;</source>
        <translation>&lt;b&gt;已执行 loss.backward()：正在等待 PyTorch 的结果…&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Why: {why}</source>
        <translation>原因：{why}</translation>
    </message>
    <message>
        <source>(below)</source>
        <translation>（见下方）</translation>
    </message>
    <message>
        <source>step: Δw = {dw}, Δb = {db}</source>
        <translation>一步：Δw = {dw}，Δb = {db}</translation>
    </message>
    <message>
        <source>…  {more} more</source>
        <translation>…  还有 {more} 个</translation>
    </message>
    <message>
        <source>&lt;b&gt;sum = B × mean&lt;/b&gt;:</source>
        <translation>&lt;b&gt;sum = B × mean&lt;/b&gt;：</translation>
    </message>
    <message>
        <source>&lt;b&gt;sum with lr/B steps like mean with lr&lt;/b&gt;:</source>
        <translation>&lt;b&gt;sum 配 lr/B 与 mean 配 lr 走的步子一样&lt;/b&gt;：</translation>
    </message>
    <message>
        <source>✓ in use</source>
        <translation>✓ 正在使用</translation>
    </message>
</context>
<context>
    <name>Text</name>
    <message>
        <source>mean</source>
        <extracomment>How each reduction is called in a sentence (&quot;mean = 30&quot;).</extracomment>
        <translation>平均</translation>
    </message>
    <message>
        <source>sum</source>
        <translation>求和</translation>
    </message>
    <message>
        <source>weighted sum</source>
        <translation>加权和</translation>
    </message>
    <message>
        <source>none</source>
        <translation>不归约</translation>
    </message>
</context>
<context>
    <name>messages</name>
    <message>
        <source>{field}: {reason}</source>
        <extracomment>Huber&apos;s threshold; PyTorch&apos;s default for ``HuberLoss``. Fields whose change can be applied to a running trainer without a reset. A message that quotes a value from a file is cut to about this long: a session can hold a 100 kB string or a 4000-digit number where a number belongs, and a message is one readable line.
----------
Refuse files larger than this before reading them (the 10^6-point preset is ~40 MB). Longest dataset / history a session may hold.</extracomment>
        <translation>{field}：{reason}</translation>
    </message>
    <message>
        <source>must be a number, got {value!r}</source>
        <translation>必须是数字，实际为 {value!r}</translation>
    </message>
    <message>
        <source>must be finite, got a whole number too large for a float</source>
        <translation>必须是有限值，实际是一个超出浮点数范围的整数</translation>
    </message>
    <message>
        <source>must be finite, got {value!r}</source>
        <translation>必须是有限值，实际为 {value!r}</translation>
    </message>
    <message>
        <source>must be a list of numbers, got {values}</source>
        <translation>必须是数字列表，实际为 {values}</translation>
    </message>
    <message>
        <source>must not be empty</source>
        <translation>不能为空</translation>
    </message>
    <message>
        <source>must be numbers, got {value!r}</source>
        <translation>必须都是数字，实际有 {value!r}</translation>
    </message>
    <message>
        <source>must be one of {options}; got {value!r}</source>
        <translation>必须是 {options} 之一；实际为 {value!r}</translation>
    </message>
    <message>
        <source>must be a preset name or &apos;csv&apos;, got {value!r}</source>
        <translation>必须是预设名称或 &apos;csv&apos;，实际为 {value!r}</translation>
    </message>
    <message>
        <source>unknown preset {value!r}; one of {options}</source>
        <translation>未知的预设 {value!r}；可选：{options}</translation>
    </message>
    <message>
        <source>must be a whole number, got {value!r}</source>
        <translation>必须是整数，实际为 {value!r}</translation>
    </message>
    <message>
        <source>must be between 1 and 10000000, got {value}</source>
        <translation>必须在 1 到 10000000 之间，实际为 {value}</translation>
    </message>
    <message>
        <source>must be &gt;= 0, got {value!r}</source>
        <translation>必须 &gt;= 0，实际为 {value!r}</translation>
    </message>
    <message>
        <source>must be in [0, 1), got {value!r}</source>
        <translation>必须在 [0, 1) 内，实际为 {value!r}</translation>
    </message>
    <message>
        <source>the learning rate must be &gt; 0, got {value!r}</source>
        <translation>学习率必须 &gt; 0，实际为 {value!r}</translation>
    </message>
    <message>
        <source>must be &gt;= 1, got {value}</source>
        <translation>必须 &gt;= 1，实际为 {value}</translation>
    </message>
    <message>
        <source>must be a whole number &gt;= 0, got {value!r}</source>
        <translation>必须是 &gt;= 0 的整数，实际为 {value!r}</translation>
    </message>
    <message>
        <source>must be an object, got {kind}</source>
        <translation>必须是对象，实际是{kind}</translation>
    </message>
    <message>
        <source>is not a known setting</source>
        <translation>不是已知的设置项</translation>
    </message>
    <message>
        <source>must be text</source>
        <translation>必须是文本</translation>
    </message>
    <message>
        <source>is empty: there is nothing to fit</source>
        <translation>为空：没有可拟合的数据</translation>
    </message>
    <message>
        <source>needs one weight per sample: {n} samples but {weights} weights</source>
        <translation>每个样本需要一个权重：有 {n} 个样本，却有 {weights} 个权重</translation>
    </message>
    <message>
        <source>is {batch} but the dataset has only {n} samples</source>
        <translation>为 {batch}，但数据集只有 {n} 个样本</translation>
    </message>
    <message>
        <source>line {line}: {reason}</source>
        <extracomment>Refuse CSV files larger than this many data rows (the lab is for teaching, not for big data). ... or larger than this (checked before reading: 10^7 rows of two full-precision floats fit). A cell that looks like the tail of a number split at a thousands separator or decimal comma.</extracomment>
        <translation>第 {line} 行：{reason}</translation>
    </message>
    <message>
        <source>x has {x} values but y has {y}</source>
        <translation>x 有 {x} 个值，而 y 有 {y} 个</translation>
    </message>
    <message>
        <source>the dataset is empty: there is nothing to fit</source>
        <translation>数据集为空：没有可拟合的数据</translation>
    </message>
    <message>
        <source>the dataset contains NaN or infinite values</source>
        <translation>数据集中含有 NaN 或无穷大的值</translation>
    </message>
    <message>
        <source>cannot remove the last point: a dataset needs at least one sample</source>
        <translation>不能删除最后一个点：数据集至少需要一个样本</translation>
    </message>
    <message>
        <source>unknown preset {name!r}; choose one of {options}</source>
        <translation>未知的预设 {name!r}；请从 {options} 中选择</translation>
    </message>
    <message>
        <source>a dataset needs at least one sample</source>
        <translation>数据集至少需要一个样本</translation>
    </message>
    <message>
        <source>a CSV dataset has to be loaded from its file</source>
        <translation>CSV 数据集必须从文件加载</translation>
    </message>
    <message>
        <source>the {column} cell is empty</source>
        <translation>{column} 单元格为空</translation>
    </message>
    <message>
        <source>{column} value {text!r} is not a number (thousands separators and decimal commas are not supported)</source>
        <translation>{column} 的值 {text!r} 不是数字（不支持千位分隔符和小数逗号）</translation>
    </message>
    <message>
        <source>{column} value {text!r} is not a number</source>
        <translation>{column} 的值 {text!r} 不是数字</translation>
    </message>
    <message>
        <source>{column} value {text!r} is not a finite number</source>
        <translation>{column} 的值 {text!r} 不是有限的数</translation>
    </message>
    <message>
        <source>expected two values separated by a comma (found &apos;;&apos; or a tab)</source>
        <translation>应为用逗号分隔的两个值（发现的是 &apos;;&apos; 或制表符）</translation>
    </message>
    <message>
        <source>expected 2 columns (x, y), found {found}: is there a comma inside a number? Write 1234 rather than 1,234 and 1.5 rather than 1,5 (no thousands separators, a decimal point)</source>
        <translation>应为 2 列 (x, y)，实际有 {found} 列：是不是数字里有逗号？请写 1234 而不是 1,234，写 1.5 而不是 1,5（不用千位分隔符，用小数点）</translation>
    </message>
    <message>
        <source>expected 2 columns (x, y), found {found}</source>
        <translation>应为 2 列 (x, y)，实际有 {found} 列</translation>
    </message>
    <message>
        <source>more than {rows} rows; the lab is for small data</source>
        <translation>超过 {rows} 行；本实验室只适合小数据</translation>
    </message>
    <message>
        <source>the file has no data rows (only a header, comments or blank lines)</source>
        <translation>文件中没有数据行（只有表头、注释或空行）</translation>
    </message>
    <message>
        <source>{path} is not a file</source>
        <translation>{path} 不是文件</translation>
    </message>
    <message>
        <source>{path} is {size} MB; CSV files of at most {limit} MB are read</source>
        <translation>{path} 有 {size} MB；只读取不超过 {limit} MB 的 CSV 文件</translation>
    </message>
    <message>
        <source>cannot read {path}: {reason}</source>
        <translation>无法读取 {path}：{reason}</translation>
    </message>
    <message>
        <source>the file is not UTF-8 text</source>
        <translation>文件不是 UTF-8 文本</translation>
    </message>
    <message>
        <source>the file is binary, not CSV text</source>
        <translation>文件是二进制文件，不是 CSV 文本</translation>
    </message>
    <message>
        <source>all history arrays must have the same length</source>
        <translation>所有历史数组的长度必须相同</translation>
    </message>
    <message>
        <source>cannot be written as JSON: {reason}</source>
        <translation>无法写成 JSON：{reason}</translation>
    </message>
    <message>
        <source>cannot write {path}: {reason}</source>
        <translation>无法写入 {path}：{reason}</translation>
    </message>
    <message>
        <source>{name} is not valid JSON (strict JSON has no NaN or Infinity)</source>
        <translation>{name} 不是合法的 JSON（严格的 JSON 中没有 NaN 或 Infinity）</translation>
    </message>
    <message>
        <source>the key {key!r} appears twice</source>
        <translation>键 {key!r} 出现了两次</translation>
    </message>
    <message>
        <source>is missing the key {key!r}</source>
        <translation>缺少键 {key!r}</translation>
    </message>
    <message>
        <source>has an unknown key {key!r}</source>
        <translation>含有未知的键 {key!r}</translation>
    </message>
    <message>
        <source>an object</source>
        <translation>对象</translation>
    </message>
    <message>
        <source>a list</source>
        <translation>列表</translation>
    </message>
    <message>
        <source>text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>true/false</source>
        <translation>true/false</translation>
    </message>
    <message>
        <source>null</source>
        <translation>null</translation>
    </message>
    <message>
        <source>a number</source>
        <translation>数字</translation>
    </message>
    <message>
        <source>must be a list of numbers, got {kind}</source>
        <translation>必须是数字列表，实际是{kind}</translation>
    </message>
    <message>
        <source>has {n} values; at most {limit} are allowed</source>
        <translation>有 {n} 个值；最多允许 {limit} 个</translation>
    </message>
    <message>
        <source>item {k} must be a whole number, got {value!r:.40}</source>
        <translation>第 {k} 项必须是整数，实际为 {value!r:.40}</translation>
    </message>
    <message>
        <source>item {k} must be a number, got {value!r:.40}</source>
        <translation>第 {k} 项必须是数字，实际为 {value!r:.40}</translation>
    </message>
    <message>
        <source>steps must be whole numbers &gt;= 0</source>
        <translation>步数必须是 &gt;= 0 的整数</translation>
    </message>
    <message>
        <source>item {k} is not a finite number</source>
        <translation>第 {k} 项不是有限的数</translation>
    </message>
    <message>
        <source>arrays differ in length: {lengths}</source>
        <translation>数组长度不一致：{lengths}</translation>
    </message>
    <message>
        <source>not valid JSON (truncated or corrupt?) at line {line}, column {column}: {reason}</source>
        <translation>不是合法的 JSON（文件被截断或已损坏？），位置：第 {line} 行第 {column} 列：{reason}</translation>
    </message>
    <message>
        <source>not a session: nested too deeply</source>
        <translation>不是会话文件：嵌套太深</translation>
    </message>
    <message>
        <source>not valid JSON: it holds a number with thousands of digits</source>
        <translation>不是合法的 JSON：其中有一个长达数千位的数字</translation>
    </message>
    <message>
        <source>the session would be {size} MB, more than the {limit} MB a session may be: the data are too large to save</source>
        <translation>会话文件将有 {size} MB，超过了会话文件最多 {limit} MB 的限制：数据太大，无法保存</translation>
    </message>
    <message>
        <source>not a gradlab session: the file holds {kind}, not an object</source>
        <translation>不是 gradlab 会话文件：文件内容是{kind}，而不是对象</translation>
    </message>
    <message>
        <source>is {value!r}, expected {expected!r} (not a gradlab session)</source>
        <translation>为 {value!r}，应为 {expected!r}（不是 gradlab 会话文件）</translation>
    </message>
    <message>
        <source>{value!r} is not supported (this gradlab reads version {version})</source>
        <translation>不支持 {value!r}（此版本的 gradlab 读取版本 {version}）</translation>
    </message>
    <message>
        <source>must be text, got {kind}</source>
        <translation>必须是文本，实际是{kind}</translation>
    </message>
    <message>
        <source>{path} is {size} MB; sessions are at most {limit} MB</source>
        <translation>{path} 有 {size} MB；会话文件最大 {limit} MB</translation>
    </message>
    <message>
        <source>{path} is empty</source>
        <translation>{path} 是空文件</translation>
    </message>
    <message>
        <source>{path} is not UTF-8 text (not a session file)</source>
        <translation>{path} 不是 UTF-8 文本（不是会话文件）</translation>
    </message>
    <message>
        <source>With reduction &apos;none&apos; the loss is a tensor of shape ({B},): one loss per sample. backward() starts from a single number, dL/dL = 1, so it needs a scalar loss; for a vector PyTorch would have to guess how much each sample counts, and refuses. Reduce first: loss.mean().backward() weights every sample by 1/B, loss.sum().backward() by 1, and loss.backward(gradient=v) by your own weights v (that is a weighted sum).</source>
        <translation>归约方式为 &apos;none&apos; 时，损失是形状为 ({B},) 的张量：每个样本一个损失。backward() 从单个数 dL/dL = 1 出发，所以需要一个标量损失；对于向量，PyTorch 只能去猜每个样本占多大分量，于是拒绝执行。先归约：loss.mean().backward() 给每个样本的权重是 1/B，loss.sum().backward() 是 1，loss.backward(gradient=v) 则用你自己的权重 v（也就是加权和）。</translation>
    </message>
    <message>
        <source>{name} became {value}</source>
        <translation>{name} 变成了 {value}</translation>
    </message>
    <message>
        <source>w and b must be finite</source>
        <translation>w 和 b 必须是有限值</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>gradient dL/dw</source>
        <translation>梯度 dL/dw</translation>
    </message>
    <message>
        <source>gradient dL/db</source>
        <translation>梯度 dL/db</translation>
    </message>
    <message>
        <source>the run diverged ({reason}); reset before stepping again</source>
        <translation>训练已发散（{reason}）；请先重置再继续</translation>
    </message>
    <message>
        <source>PyTorch could not be loaded: {error}</source>
        <extracomment>Target duration of one slice of steps: short enough that commands are served promptly. Fastest update rate towards the window. While running, the teaching panels are refreshed at most this often (seconds). The timeline keeps a trainer snapshot at least this often (steps) ... ... covering at least this many recent steps. Fields whose change means new data (a new Trainer), not just a reset. Fields whose change restarts at step 0 (Trainer.configure resets for these). a past step shown on the timeline (the run itself is still at its latest step) torch is imported and warmed up; commands are served from now on. torch could not be imported (the message says why); the worker stays idle. Messages for the user are ``Message`` objects (str subclasses the window translates), so their signals carry ``object``: a ``str`` signal would drop the template. a new ``Update`` for the window (at most ~60 per second, latest wins). the run diverged and was paused: (generation, message). a command failed; the message is for the user. The worker pauses and keeps serving. running started (True) or stopped (False). the worker stopped; connected to the thread&apos;s quit(). a TeachingView for the step on screen (only while a teaching panel is visible) a CSV file was loaded: (config, dataset, generation); the run restarted on it the data was edited by hand: (config, number of samples); w, b and the step are kept a file was refused or could not be written; nothing changed (the message says why) a file was written (its path) (script, note): the plain PyTorch equivalent of the run so far the session was saved to this path a session was opened: (path, config, dataset, history, generation); the run now stands where the session was saved, under ``generation`` a session could not be saved or opened: (path, message); nothing changed</extracomment>
        <translation>无法加载 PyTorch：{error}</translation>
    </message>
    <message>
        <source>PyTorch failed its first step: {error}</source>
        <translation>PyTorch 第一步就失败了：{error}</translation>
    </message>
    <message>
        <source>{path}: {reason}</source>
        <translation>{path}：{reason}</translation>
    </message>
    <message>
        <source>there is no data to export yet</source>
        <translation>还没有可以导出的数据</translation>
    </message>
    <message>
        <source>{path}: cannot write: {reason}</source>
        <translation>{path}：无法写入：{reason}</translation>
    </message>
    <message>
        <source>Replays 1 step of the current settings from the start and prints the same w and b as the lab.</source>
        <translation>用当前设置从头重放 1 步，打印出与实验室中相同的 w 和 b。</translation>
    </message>
    <message>
        <source>Replays {steps} steps of the current settings from the start and prints the same w and b as the lab.</source>
        <translation>用当前设置从头重放 {steps} 步，打印出与实验室中相同的 w 和 b。</translation>
    </message>
    <message>
        <source>The settings changed during this run, so this script (the current settings from the start, {steps} steps) will not end exactly where the lab is.</source>
        <translation>这次训练中途改过设置，所以这个脚本（用当前设置从头走 {steps} 步）不会恰好停在实验室当前的位置。</translation>
    </message>
    <message>
        <source>This run was opened from a saved session: the script replays the current settings from the start ({steps} steps), which ends where the lab is only if they did not change before the session was saved.</source>
        <translation>这次训练是从保存的会话打开的：脚本用当前设置从头重放（{steps} 步），只有在保存会话之前设置没有改过时，才会停在实验室当前的位置。</translation>
    </message>
    <message>
        <source>PyTorch is still loading: try again in a moment</source>
        <translation>PyTorch 仍在加载：请稍后再试</translation>
    </message>
    <message>
        <source>state: {reason}</source>
        <translation>state：{reason}</translation>
    </message>
    <message>
        <source>The run diverged ({reason}). Press Reset (R) and lower the learning rate.</source>
        <translation>训练已发散（{reason}）。请按“重置”（R）并降低学习率。</translation>
    </message>
    <message>
        <source>diverged at step {step}: {reason} — lower the learning rate (lr = {lr:g}) and press Reset</source>
        <translation>在第 {step} 步发散：{reason} —— 请降低学习率（lr = {lr:g}）并按“重置”</translation>
    </message>
    <message>
        <source>PyTorch refused: RuntimeError: {error}
{explanation}</source>
        <translation>PyTorch 拒绝执行：RuntimeError: {error}
{explanation}</translation>
    </message>
    <message>
        <source>{message}
(the explanation panels failed too: {error})</source>
        <translation>{message}
（讲解面板也出错了：{error}）</translation>
    </message>
    <message>
        <source>{error}  (in {function}, line {line}). Press Reset (R) to start again.</source>
        <translation>{error}  （位于 {function}，第 {line} 行）。按“重置”（R）重新开始。</translation>
    </message>
    <message>
        <source>{name}: {reason}</source>
        <translation>{name}: {reason}</translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message>
        <source>gradlab: unexpected error</source>
        <translation>gradlab：意外错误</translation>
    </message>
    <message>
        <source>Something went wrong inside gradlab: {error}</source>
        <translation>gradlab 内部出错了：{error}</translation>
    </message>
    <message>
        <source>Save your session before quitting, so that you can open it again and go on where you were. Or keep working: the lab may still be usable.</source>
        <translation>退出前先保存会话，以后可以再打开它，从原处接着做。也可以继续使用：实验室可能仍然可用。</translation>
    </message>
    <message>
        <source>You can quit, or keep working: the lab may still be usable.</source>
        <translation>你可以退出，也可以继续使用：实验室可能仍然可用。</translation>
    </message>
    <message>
        <source>Save session and quit…</source>
        <translation>保存会话并退出…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Keep working</source>
        <translation>继续使用</translation>
    </message>
    <message>
        <source>Save the session</source>
        <translation>保存会话</translation>
    </message>
    <message>
        <source>gradlab session (*.gradlab)</source>
        <translation>gradlab 会话 (*.gradlab)</translation>
    </message>
</context>
</TS>
